using System.Text.Json;

namespace Rebalancing.Functions.Storage;

/// <summary>Publishes outbox events as JSON messages on a queue (by default <c>rebalancing-events</c>).</summary>
internal sealed class QueueEventSink(IWorkQueue queue) : IEventSink
{
    public const string DefaultQueueName = "rebalancing-events";

    public Task PublishAsync(string runId, OutboxEvent outboxEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outboxEvent);
        var message = new PublishedEvent(outboxEvent.EventId, outboxEvent.Type, runId, outboxEvent.OccurredAt, outboxEvent.Data);
        return queue.EnqueueAsync(JsonSerializer.Serialize(message, StorageJson.Options), TimeSpan.Zero, cancellationToken);
    }

    /// <summary>The message body: the event with its run id.</summary>
    internal sealed record PublishedEvent(string Id, string Type, string RunId, DateTimeOffset OccurredAt, JsonElement Data);
}
