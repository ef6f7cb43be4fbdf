using System.Security.Cryptography;
using System.Text;
using Azure.Core;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Options;
using Rebalancing.Functions.Storage;

namespace Rebalancing.Functions.Notifications;

/// <summary>
/// Publishes each outbox event to a Service Bus topic as a CloudEvents 1.0 structured-mode JSON
/// message (the same document <see cref="CloudEventsWebhook.ToCloudEvent"/> posts to webhooks).
/// The message id is derived from the event id alone, so a re-dispatched event is the same message:
/// the topic's duplicate detection, or a subscriber keeping ids, drops it. A send that still fails
/// after the client's retries throws <see cref="StorageUnavailableException"/> when the failure was
/// transient (the outbox keeps the event and dispatches it again), and the client's own exception
/// otherwise (a missing topic, no rights: a configuration error).
/// </summary>
internal sealed class ServiceBusEventSink(ServiceBusSender sender) : IEventSink
{
    /// <summary>The application property that carries the event type (as <see cref="ServiceBusMessage.Subject"/> does).</summary>
    public const string EventTypeProperty = "eventType";

    /// <summary>The application property that carries the run id (empty for events outside a run).</summary>
    public const string RunIdProperty = "runId";

    /// <summary>Service Bus's longest message id; a longer event id is sent as <c>sha256:{hex}</c> of itself.</summary>
    public const int MaxMessageIdLength = 128;

    public async Task PublishAsync(string runId, OutboxEvent outboxEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(outboxEvent);
        var message = CreateMessage(runId, outboxEvent);
        try
        {
            await sender.SendMessageAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (ServiceBusException e) when (e.IsTransient)
        {
            throw new StorageUnavailableException(
                $"Publishing event '{outboxEvent.EventId}' to Service Bus topic '{sender.EntityPath}' on {sender.FullyQualifiedNamespace} failed after the client's retries ({e.Reason}): it stays in the outbox.",
                e);
        }
    }

    /// <summary>The message for one event: CloudEvents JSON body, stable message id, subject and application properties.</summary>
    public static ServiceBusMessage CreateMessage(string runId, OutboxEvent outboxEvent)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(outboxEvent);
        var message = new ServiceBusMessage(BinaryData.FromString(CloudEventsWebhook.ToCloudEvent(runId, outboxEvent).GetRawText()))
        {
            MessageId = MessageIdFor(outboxEvent.EventId),
            Subject = outboxEvent.Type,
            ContentType = CloudEventsWebhook.ContentType,
        };
        message.ApplicationProperties[EventTypeProperty] = outboxEvent.Type;
        message.ApplicationProperties[RunIdProperty] = runId;
        return message;
    }

    /// <summary>The event id itself, or <c>sha256:{hex}</c> of it when it is longer than <see cref="MaxMessageIdLength"/>: stable either way.</summary>
    public static string MessageIdFor(string eventId)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        return eventId.Length <= MaxMessageIdLength
            ? eventId
            : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(eventId)));
    }

    /// <summary>
    /// A client for <paramref name="options"/>' namespace with <paramref name="credential"/> and the
    /// retries of <see cref="ClientOptions"/>; null when no namespace is configured.
    /// </summary>
    public static ServiceBusClient? CreateClient(ServiceBusEventSinkOptions options, TokenCredential credential)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(credential);
        return options.IsConfigured ? new ServiceBusClient(options.FullyQualifiedNamespace, credential, ClientOptions()) : null;
    }

    /// <summary>Exponential back-off, 4 retries, 200 ms to 5 s, 30 s per try: the same as Blob and Queue storage.</summary>
    public static ServiceBusClientOptions ClientOptions() => new()
    {
        RetryOptions = new ServiceBusRetryOptions
        {
            Mode = ServiceBusRetryMode.Exponential,
            MaxRetries = 4,
            Delay = TimeSpan.FromMilliseconds(200),
            MaxDelay = TimeSpan.FromSeconds(5),
            TryTimeout = TimeSpan.FromSeconds(30),
        },
    };
}

/// <summary>Registers the Service Bus event sink when <c>Rebalancing:Notifications:ServiceBus:FullyQualifiedNamespace</c> is set.</summary>
internal static class ServiceBusEventsServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates <see cref="ServiceBusEventSinkOptions"/> and, only when a namespace is
    /// configured, registers a <see cref="ServiceBusClient"/> (with the storage credential,
    /// <see cref="StorageServices.Credential"/>) and the <see cref="ServiceBusEventSink"/> as
    /// singletons. The sink is registered as itself, not as <see cref="IEventSink"/>: resolve it with
    /// <c>GetService&lt;ServiceBusEventSink&gt;()</c> (null when not configured) and add it to the
    /// composite sink.
    /// </summary>
    public static IServiceCollection AddServiceBusEvents(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ServiceBusEventSinkOptions>()
            .BindConfiguration(ServiceBusEventSinkOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        var options = configuration.GetSection(ServiceBusEventSinkOptions.SectionName).Get<ServiceBusEventSinkOptions>() ?? new();
        if (!options.IsConfigured)
        {
            return services;
        }

        services.AddSingleton(sp =>
        {
            var azure = configuration.GetSection(RebalancingStorageOptions.SectionName + ":Azure").Get<AzureStorageOptions>() ?? new();
            return ServiceBusEventSink.CreateClient(sp.GetRequiredService<IOptions<ServiceBusEventSinkOptions>>().Value, StorageServices.Credential(azure))!;
        });
        services.AddSingleton(sp => new ServiceBusEventSink(
            sp.GetRequiredService<ServiceBusClient>().CreateSender(sp.GetRequiredService<IOptions<ServiceBusEventSinkOptions>>().Value.Topic)));
        return services;
    }
}
