using System.Text.Json;
using Microsoft.Extensions.Options;
using Rebalancing.Functions.Application;
using Rebalancing.Functions.Rebalances;
using Rebalancing.Functions.Storage;

namespace Rebalancing.Functions.Notifications;

/// <summary>Sends every event to each sink in turn (at least once: the outbox re-dispatches on failure).</summary>
internal sealed class CompositeEventSink(IReadOnlyList<IEventSink> sinks) : IEventSink
{
    public async Task PublishAsync(string runId, OutboxEvent outboxEvent, CancellationToken cancellationToken)
    {
        foreach (var sink in sinks)
        {
            await sink.PublishAsync(runId, outboxEvent, cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>A message of the notification queue: an event to deliver to webhooks and, for a proposed plan, to approvers.</summary>
internal sealed record NotifyMessage(string RunId, OutboxEvent Event);

/// <summary>
/// Hands events to the <c>rebalancing-notify</c> queue, so that slow or failing webhooks, Teams and SMTP never hold
/// up the run that emitted them: the outbox's publish is one local enqueue.
/// </summary>
internal sealed class NotificationQueueSink(IWorkQueueFactory queues, IOptions<RebalancingOptions> options) : IEventSink
{
    public const string QueueName = "rebalancing-notify";

    public Task PublishAsync(string runId, OutboxEvent outboxEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outboxEvent);
        var wanted = outboxEvent.Type == RunEventTypes.PlanProposed || options.Value.Notifications.EventWebhooks.Count > 0;
        return wanted
            ? queues.Get(QueueName).EnqueueAsync(JsonSerializer.Serialize(new NotifyMessage(runId, outboxEvent), StorageJson.Options), TimeSpan.Zero, cancellationToken)
            : Task.CompletedTask;
    }
}
