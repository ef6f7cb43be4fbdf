using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using NCrontab;
using Rebalancing.Functions.Application;
using Rebalancing.Functions.Storage;

namespace Rebalancing.LocalHost;

/// <summary>
/// Drives the app's <c>[TimerTrigger]</c> functions as the Functions host does: the schedule is an NCRONTAB
/// expression with seconds, <c>%Setting%</c> resolved from configuration; nothing runs at start
/// (<c>RunOnStartup</c> is false); an occurrence missed while the host was down runs once, late, marked past due.
/// The last occurrence of each timer is kept in <c>{DataDir}/timers/{function}.json</c>.
/// </summary>
internal sealed partial class TimerTriggers(
    FunctionCatalog catalog, IServiceProvider services, IConfiguration configuration, IOptions<RebalancingOptions> options, IHostEnvironment environment, TimeProvider time, ILogger<TimerTriggers> logger)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        options.Value.Triggers
            ? Task.WhenAll(catalog.With<TimerTriggerAttribute>().Select(f => RunAsync(f, stoppingToken)))
            : Task.CompletedTask;

    private async Task RunAsync(FunctionEntry function, CancellationToken stoppingToken)
    {
        var expression = Resolve(function.TriggerAs<TimerTriggerAttribute>().Schedule);
        var schedule = CrontabSchedule.Parse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = true });
        var statusFile = Path.Combine(Path.GetFullPath(options.Value.DataDir, environment.ContentRootPath), "timers", function.Name + ".json");
        var last = ReadLast(statusFile);
        var now = time.GetUtcNow();
        if (last is { } previous && schedule.GetNextOccurrence(previous.UtcDateTime) <= now.UtcDateTime)
        {
            await FireAsync(function, schedule, statusFile, now, pastDue: true, stoppingToken).ConfigureAwait(false);
        }
        else if (last is null)
        {
            WriteLast(statusFile, now); // the first start only starts the clock
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var next = new DateTimeOffset(schedule.GetNextOccurrence(time.GetUtcNow().UtcDateTime), TimeSpan.Zero);
            try
            {
                await Task.Delay(Max(next - time.GetUtcNow(), TimeSpan.Zero), time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await FireAsync(function, schedule, statusFile, next, pastDue: false, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task FireAsync(FunctionEntry function, CrontabSchedule schedule, string statusFile, DateTimeOffset occurrence, bool pastDue, CancellationToken stoppingToken)
    {
        WriteLast(statusFile, occurrence);
        var info = new TimerInfo
        {
            IsPastDue = pastDue,
            ScheduleStatus = new ScheduleStatus { Last = occurrence.UtcDateTime, Next = schedule.GetNextOccurrence(occurrence.UtcDateTime), LastUpdated = time.GetUtcNow().UtcDateTime },
        };
        try
        {
            using var scope = services.CreateScope();
            await FunctionCatalog.InvokeAsync(function, scope.ServiceProvider, p => p == function.TriggerParameter ? info : null, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(logger, function.Name, e);
        }
    }

    /// <summary><c>%Rebalancing:Schedule%</c> → the setting's value, as the host's name resolver does.</summary>
    private string Resolve(string expression) =>
        expression.StartsWith('%') && expression.EndsWith('%')
            ? configuration[expression.Trim('%')] ?? throw new InvalidOperationException($"the setting '{expression.Trim('%')}' that a timer's schedule names is not set")
            : expression;

    private static DateTimeOffset? ReadLast(string file)
    {
        try
        {
            return File.Exists(file) ? JsonSerializer.Deserialize<TimerStatus>(File.ReadAllText(file))?.Last : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void WriteLast(string file, DateTimeOffset last)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, JsonSerializer.Serialize(new TimerStatus(last)));
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private sealed record TimerStatus(DateTimeOffset Last);

    [LoggerMessage(Level = LogLevel.Error, Message = "Timer function {Function} failed")]
    private static partial void LogFailed(ILogger logger, string function, Exception exception);
}

/// <summary>
/// Drives the app's <c>[QueueTrigger]</c> functions as the Functions host does (host.json's <c>queues</c> section): a
/// message is deleted when the function returns, made visible again after <see cref="RetryDelay"/> when it throws,
/// and moved to <c>{queue}-poison</c> on its fifth failed dequeue. The queues are the app's own (SQLite on the
/// embedded default, Azure Storage queues in azure mode).
/// </summary>
internal sealed partial class QueueTriggers(FunctionCatalog catalog, IServiceProvider services, IWorkQueueFactory queues, IOptions<RebalancingOptions> options, ILogger<QueueTriggers> logger)
    : BackgroundService
{
    /// <summary>host.json <c>visibilityTimeout</c>: how long a failed message waits before it is tried again.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(30);

    /// <summary>How long a message is hidden while its function runs.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(10);

    public static readonly TimeSpan IdleDelay = TimeSpan.FromMilliseconds(500);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        options.Value.Triggers
            ? Task.WhenAll(catalog.With<QueueTriggerAttribute>().Select(f => PollAsync(f, stoppingToken)))
            : Task.CompletedTask;

    /// <summary>Receives and handles one message; false when the queue was empty.</summary>
    public async Task<bool> HandleOneAsync(FunctionEntry function, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        var name = function.TriggerAs<QueueTriggerAttribute>().QueueName;
        var queue = queues.Get(name);
        var message = await queue.ReceiveAsync(Lease, cancellationToken).ConfigureAwait(false);
        if (message is null)
        {
            return false;
        }

        try
        {
            using var scope = services.CreateScope();
            await FunctionCatalog.InvokeAsync(function, scope.ServiceProvider, p => Bind(p, function, message), cancellationToken).ConfigureAwait(false);
            await queue.DeleteAsync(message.MessageId, message.PopReceipt, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogFailed(logger, function.Name, message.DequeueCount, e);
            if (message.DequeueCount >= WorkQueueLimits.MaxDequeueCount)
            {
                await queues.Get(WorkQueueLimits.PoisonQueueName(name)).EnqueueAsync(message.Text, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
                await queue.DeleteAsync(message.MessageId, message.PopReceipt, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await queue.UpdateVisibilityAsync(message.MessageId, message.PopReceipt, RetryDelay, cancellationToken).ConfigureAwait(false);
            }
        }

        return true;
    }

    private async Task PollAsync(FunctionEntry function, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!await HandleOneAsync(function, stoppingToken).ConfigureAwait(false))
                {
                    await Task.Delay(IdleDelay, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogUnavailable(logger, function.Name, e);
                await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private static object? Bind(ParameterInfo parameter, FunctionEntry function, QueueMessage message)
    {
        if (parameter == function.TriggerParameter)
        {
            return parameter.ParameterType == typeof(string) ? message.Text : JsonSerializer.Deserialize(message.Text, parameter.ParameterType, StorageJson.Options);
        }

        return parameter.Name switch
        {
            "dequeueCount" => Convert.ChangeType(message.DequeueCount, parameter.ParameterType, CultureInfo.InvariantCulture),
            "id" => message.MessageId,
            _ => null,
        };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue function {Function} failed on dequeue {DequeueCount}")]
    private static partial void LogFailed(ILogger logger, string function, long dequeueCount, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The queue of {Function} did not answer")]
    private static partial void LogUnavailable(ILogger logger, string function, Exception exception);
}
