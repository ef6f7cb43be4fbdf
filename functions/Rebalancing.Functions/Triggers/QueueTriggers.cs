using Microsoft.Extensions.Options;
using Rebalancing.Functions.Application;
using Rebalancing.Functions.Storage;

namespace Rebalancing.Functions.Triggers;

/// <summary>
/// A queue-triggered function: what an Azure Functions <c>[QueueTrigger("name")]</c> method would be, with
/// <c>maxDequeueCount</c> 5 (host.json). The host deletes the message when <see cref="HandleAsync"/> returns true,
/// leaves it to come back when it throws, and the queue parks it in <c>{name}-poison</c> after 5 deliveries.
/// </summary>
internal interface IQueueTrigger
{
    string QueueName { get; }

    TimeSpan VisibilityTimeout { get; }

    /// <summary>Handles one delivery; true: delete the message; false: the handler deleted or gave it back itself.</summary>
    Task<bool> HandleAsync(QueueMessage message, CancellationToken cancellationToken);
}

/// <summary>Receives one message for a trigger and applies the delete/retry rule.</summary>
internal sealed partial class QueueTriggerRunner(IWorkQueueFactory queues, ILogger<QueueTriggerRunner> logger)
{
    /// <summary>Handles the next visible message of the trigger's queue; false when there was none.</summary>
    public async Task<bool> PollOnceAsync(IQueueTrigger trigger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        var queue = queues.Get(trigger.QueueName);
        var message = await queue.ReceiveAsync(trigger.VisibilityTimeout, cancellationToken).ConfigureAwait(false);
        if (message is null)
        {
            return false;
        }

        try
        {
            if (await trigger.HandleAsync(message, cancellationToken).ConfigureAwait(false))
            {
                await queue.DeleteAsync(message.MessageId, message.PopReceipt, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogFailed(logger, trigger.QueueName, message.MessageId, message.DequeueCount, e);
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue trigger {Queue} failed on message {MessageId} (delivery {DequeueCount}); it comes back after its visibility timeout, and is parked as poison after 5 deliveries")]
    private static partial void LogFailed(ILogger logger, string queue, string messageId, long dequeueCount, Exception exception);
}

/// <summary>Polls every registered queue trigger; idles one second when all queues are empty.</summary>
internal sealed class QueueTriggerHost(IEnumerable<IQueueTrigger> triggers, QueueTriggerRunner runner, IOptions<RebalancingOptions> options) : BackgroundService
{
    public static readonly TimeSpan IdleDelay = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Triggers)
        {
            return;
        }

        var all = triggers.Where(t => t is not IngestionQueueTrigger || options.Value.Ingestion.Enabled).ToList();
        while (!stoppingToken.IsCancellationRequested)
        {
            var any = false;
            foreach (var trigger in all)
            {
                try
                {
                    any |= await runner.PollOnceAsync(trigger, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is StorageUnavailableException or IOException or HttpRequestException or Azure.RequestFailedException)
                {
                    // The queue did not answer; try again after the idle delay.
                }
            }

            if (!any)
            {
                try
                {
                    await Task.Delay(IdleDelay, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
