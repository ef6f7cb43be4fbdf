using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Rebalancing.Functions.Storage.Azure;

/// <summary>
/// An Azure Storage queue through the REST API. Message text is sent base64-encoded (what the Azure
/// Functions queue trigger expects). A message received with a dequeue count above
/// <see cref="WorkQueueLimits.MaxDequeueCount"/> is copied to <c>{name}-poison</c> and deleted here,
/// as the Functions host does. Replaceable by <c>Azure.Storage.Queues</c>' <c>QueueClient</c> (docs/storage.md).
/// </summary>
internal sealed class RestWorkQueue(HttpPipeline pipeline, Uri queueEndpoint, string name) : StorageRestClient(pipeline, queueEndpoint), IWorkQueue
{
    private static readonly int[] Created = [201, 204];
    private static readonly int[] Ok = [200];
    private static readonly int[] DeletedOrStale = [204, 400, 404];
    private readonly HttpPipeline pipeline = pipeline;
    private volatile bool ensured;

    public string Name { get; } = name;

    public async Task<string> EnqueueAsync(string text, TimeSpan initialVisibilityDelay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        WorkQueueLimits.CheckDelay(initialVisibilityDelay, nameof(initialVisibilityDelay));
        await EnsureQueueAsync(cancellationToken).ConfigureAwait(false);
        var body = new XElement("QueueMessage", new XElement("MessageText", Convert.ToBase64String(Encoding.UTF8.GetBytes(text))));
        using var message = CreateMessage(
            RequestMethod.Post,
            $"{Name}/messages?visibilitytimeout={Seconds(initialVisibilityDelay)}&messagettl=-1",
            RequestContent.Create(Encoding.UTF8.GetBytes(body.ToString(SaveOptions.DisableFormatting))),
            "application/xml");
        var response = await SendAsync(message, $"Enqueue on {Name}", [201], cancellationToken).ConfigureAwait(false);
        var list = XDocument.Parse(response.Content.ToString());
        return list.Root?.Element("QueueMessage")?.Element("MessageId")?.Value
            ?? throw new InvalidDataException($"Enqueue on {Name} answered without a message id.");
    }

    public async Task<QueueMessage?> ReceiveAsync(TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        WorkQueueLimits.CheckDelay(visibilityTimeout, nameof(visibilityTimeout));
        await EnsureQueueAsync(cancellationToken).ConfigureAwait(false);

        // The service's minimum visibility timeout for a receive is one second.
        var seconds = Seconds(visibilityTimeout < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : visibilityTimeout);
        while (true)
        {
            using var message = CreateMessage(RequestMethod.Get, $"{Name}/messages?numofmessages=1&visibilitytimeout={seconds}");
            var response = await SendAsync(message, $"Receive from {Name}", Ok, cancellationToken).ConfigureAwait(false);
            var element = XDocument.Parse(response.Content.ToString()).Root?.Element("QueueMessage");
            if (element is null)
            {
                return null;
            }

            var received = Parse(element);
            if (received.DequeueCount <= WorkQueueLimits.MaxDequeueCount)
            {
                return received;
            }

            // Delivered more than MaxDequeueCount times: park it in the poison queue, then take it off this one.
            var poison = new RestWorkQueue(pipeline, Endpoint, WorkQueueLimits.PoisonQueueName(Name));
            await poison.EnqueueAsync(received.Text, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            await DeleteAsync(received.MessageId, received.PopReceipt, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<bool> DeleteAsync(string messageId, string popReceipt, CancellationToken cancellationToken)
    {
        using var message = CreateMessage(RequestMethod.Delete, $"{Name}/messages/{Uri.EscapeDataString(messageId)}?popreceipt={Uri.EscapeDataString(popReceipt)}");
        var response = await SendAsync(message, $"Delete from {Name}", DeletedOrStale, cancellationToken).ConfigureAwait(false);
        return response.Status == 204;
    }

    public async Task<string?> UpdateVisibilityAsync(string messageId, string popReceipt, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        WorkQueueLimits.CheckDelay(visibilityTimeout, nameof(visibilityTimeout));
        using var message = CreateMessage(
            RequestMethod.Put,
            $"{Name}/messages/{Uri.EscapeDataString(messageId)}?popreceipt={Uri.EscapeDataString(popReceipt)}&visibilitytimeout={Seconds(visibilityTimeout)}");
        var response = await SendAsync(message, $"Update visibility on {Name}", DeletedOrStale, cancellationToken).ConfigureAwait(false);
        return response.Status == 204 && response.Headers.TryGetValue("x-ms-popreceipt", out var receipt) ? receipt : null;
    }

    public async Task CheckHealthAsync(CancellationToken cancellationToken)
    {
        ensured = false;
        await EnsureQueueAsync(cancellationToken).ConfigureAwait(false);
    }

    private static QueueMessage Parse(XElement element)
    {
        string Value(string child) => element.Element(child)?.Value ?? throw new InvalidDataException($"A queue message came back without {child}.");
        var text = Value("MessageText");
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(text));
        }
        catch (FormatException)
        {
            decoded = text; // a message some other producer put as plain text
        }

        return new(
            Value("MessageId"),
            Value("PopReceipt"),
            long.Parse(Value("DequeueCount"), CultureInfo.InvariantCulture),
            decoded,
            DateTimeOffset.Parse(Value("InsertionTime"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal));
    }

    private async Task EnsureQueueAsync(CancellationToken cancellationToken)
    {
        if (ensured)
        {
            return;
        }

        // Idempotent (created, or already there), so concurrent first calls may both send it.
        using var message = CreateMessage(RequestMethod.Put, Name);
        await SendAsync(message, $"Create queue {Name}", Created, cancellationToken).ConfigureAwait(false);
        ensured = true;
    }
}

/// <summary>Opens REST queues that share one pipeline.</summary>
internal sealed class RestWorkQueueFactory(HttpPipeline pipeline, Uri queueEndpoint) : IWorkQueueFactory
{
    public IWorkQueue Get(string name) => new RestWorkQueue(pipeline, queueEndpoint, WorkQueueLimits.CheckQueueName(name));
}
