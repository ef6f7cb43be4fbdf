namespace Rebalancing.Functions.Storage;

/// <summary>Where dispatched outbox events go (a queue, webhooks). Delivery is at least once.</summary>
internal interface IEventSink
{
    Task PublishAsync(string runId, OutboxEvent outboxEvent, CancellationToken cancellationToken);
}
