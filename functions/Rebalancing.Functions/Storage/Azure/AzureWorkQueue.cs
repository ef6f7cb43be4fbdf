using System.Text;
using Azure;
using Azure.Storage.Queues;

namespace Rebalancing.Functions.Storage.Azure;

/// <summary>
/// An Azure Storage queue through <c>Azure.Storage.Queues</c>. Message text goes out base64-encoded
/// (what the Azure Functions queue trigger expects); a received message that is not base64 (another
/// producer's plain text) is handed out as it is. A message received with a dequeue count above
/// <see cref="WorkQueueLimits.MaxDequeueCount"/> is copied to <c>{name}-poison</c> and deleted here,
/// as the Functions host does. The queue is created on first use.
/// </summary>
internal sealed class AzureWorkQueue(QueueServiceClient service, string name) : IWorkQueue
{
    private readonly QueueClient queue = service.GetQueueClient(name);
    private volatile bool ensured;

    public string Name => queue.Name;

    public Task<string> EnqueueAsync(string text, TimeSpan initialVisibilityDelay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        WorkQueueLimits.CheckDelay(initialVisibilityDelay, nameof(initialVisibilityDelay));
        return RunAsync($"Enqueue on {Name}", async () =>
        {
            await EnsureQueueAsync(cancellationToken).ConfigureAwait(false);
            var receipt = await queue.SendMessageAsync(
                Convert.ToBase64String(Encoding.UTF8.GetBytes(text)),
                visibilityTimeout: WholeSeconds(initialVisibilityDelay),
                timeToLive: TimeSpan.FromSeconds(-1), // never expires
                cancellationToken).ConfigureAwait(false);
            return receipt.Value.MessageId;
        }, cancellationToken);
    }

    public async Task<QueueMessage?> ReceiveAsync(TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        WorkQueueLimits.CheckDelay(visibilityTimeout, nameof(visibilityTimeout));

        // The service's minimum visibility timeout for a receive is one second.
        var hideFor = WholeSeconds(visibilityTimeout < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : visibilityTimeout);
        while (true)
        {
            var received = await RunAsync($"Receive from {Name}", async () =>
            {
                await EnsureQueueAsync(cancellationToken).ConfigureAwait(false);
                var response = await queue.ReceiveMessageAsync(hideFor, cancellationToken).ConfigureAwait(false);
                return response.Value is { } m
                    ? new QueueMessage(m.MessageId, m.PopReceipt, m.DequeueCount, Decode(m.Body), m.InsertedOn ?? DateTimeOffset.MinValue)
                    : null;
            }, cancellationToken).ConfigureAwait(false);
            if (received is null || received.DequeueCount <= WorkQueueLimits.MaxDequeueCount)
            {
                return received;
            }

            // Delivered more than MaxDequeueCount times: park it in the poison queue, then take it off this one.
            var poison = new AzureWorkQueue(service, WorkQueueLimits.PoisonQueueName(Name));
            await poison.EnqueueAsync(received.Text, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            await DeleteAsync(received.MessageId, received.PopReceipt, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task<bool> DeleteAsync(string messageId, string popReceipt, CancellationToken cancellationToken) =>
        RunAsync($"Delete from {Name}", async () =>
        {
            try
            {
                await queue.DeleteMessageAsync(messageId, popReceipt, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException e) when (e.Status is 400 or 404)
            {
                // A stale pop receipt (the message was received again) or a message already gone.
                return false;
            }
        }, cancellationToken);

    public Task<string?> UpdateVisibilityAsync(string messageId, string popReceipt, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        WorkQueueLimits.CheckDelay(visibilityTimeout, nameof(visibilityTimeout));
        return RunAsync<string?>($"Update visibility on {Name}", async () =>
        {
            try
            {
                // No message text: only the visibility changes.
                var receipt = await queue.UpdateMessageAsync(messageId, popReceipt, messageText: null, WholeSeconds(visibilityTimeout), cancellationToken).ConfigureAwait(false);
                return receipt.Value.PopReceipt;
            }
            catch (RequestFailedException e) when (e.Status is 400 or 404)
            {
                return null;
            }
        }, cancellationToken);
    }

    public Task CheckHealthAsync(CancellationToken cancellationToken) =>
        RunAsync($"Create queue {Name}", async () =>
        {
            ensured = false;
            await EnsureQueueAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    private static string Decode(BinaryData body)
    {
        var text = body.ToString();
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(text));
        }
        catch (FormatException)
        {
            return text; // a message some other producer put as plain text
        }
    }

    /// <summary>The service takes whole seconds; round up so that a delay is never shortened.</summary>
    private static TimeSpan WholeSeconds(TimeSpan span) => TimeSpan.FromSeconds(Math.Ceiling(span.TotalSeconds));

    private async Task EnsureQueueAsync(CancellationToken cancellationToken)
    {
        if (ensured)
        {
            return;
        }

        // Idempotent (created, or already there), so concurrent first calls may both send it.
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        ensured = true;
    }

    private Task<T> RunAsync<T>(string operation, Func<Task<T>> action, CancellationToken cancellationToken) =>
        AzureStorageCall.RunAsync(queue.Uri, operation, action, cancellationToken);
}

/// <summary>Opens SDK queues on one <see cref="QueueServiceClient"/> (whose options must use <see cref="QueueMessageEncoding.None"/>: the queues encode themselves).</summary>
internal sealed class AzureWorkQueueFactory(QueueServiceClient service) : IWorkQueueFactory
{
    public IWorkQueue Get(string name) => new AzureWorkQueue(service, WorkQueueLimits.CheckQueueName(name));
}
