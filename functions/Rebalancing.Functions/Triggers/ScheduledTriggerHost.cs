using Microsoft.Extensions.Options;
using Rebalancing.Functions.Application;
using Rebalancing.Functions.Storage;

namespace Rebalancing.Functions.Triggers;

/// <summary>A timer trigger on an NCRONTAB schedule, as the host drives it.</summary>
internal interface IScheduledTrigger
{
    /// <summary>Whether configuration turns the trigger on.</summary>
    bool IsEnabled(RebalancingOptions settings);

    /// <summary>The schedule's next occurrence after an instant.</summary>
    DateTimeOffset NextOccurrence(DateTimeOffset after);

    /// <summary>Runs whatever is due at the clock's now.</summary>
    Task RunDueAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Drives a timer trigger: runs what is due, then sleeps until the next occurrence (waking at least every minute, so
/// a changed clock or a missed occurrence is noticed). A failed tick is logged and retried at the next wake-up.
/// In Azure Functions the TimerTrigger binding does this.
/// </summary>
internal sealed partial class ScheduledTriggerHost<TTrigger>(TTrigger trigger, IOptions<RebalancingOptions> options, TimeProvider time, ILogger<ScheduledTriggerHost<TTrigger>> logger)
    : BackgroundService
    where TTrigger : IScheduledTrigger
{
    private static readonly TimeSpan LongestSleep = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!trigger.IsEnabled(options.Value))
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await trigger.RunDueAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is StorageUnavailableException or IOException or ConcurrencyConflictException or Azure.RequestFailedException)
            {
                LogTickFailed(logger, typeof(TTrigger).Name, e);
            }

            var now = time.GetUtcNow();
            var wait = trigger.NextOccurrence(now) - now;
            wait = wait < TimeSpan.Zero ? TimeSpan.Zero : wait > LongestSleep ? LongestSleep : wait;
            try
            {
                await Task.Delay(wait + TimeSpan.FromMilliseconds(10), time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Trigger}: the tick failed; it tries again at the next wake-up")]
    private static partial void LogTickFailed(ILogger logger, string trigger, Exception exception);
}
