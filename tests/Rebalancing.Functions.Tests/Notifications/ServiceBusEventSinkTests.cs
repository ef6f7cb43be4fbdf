using System.Text.Json;
using Azure.Messaging;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Moq;
using Rebalancing.Functions.Notifications;
using Rebalancing.Functions.Storage;
using Rebalancing.Functions.Tests.Harness;
using Rebalancing.Functions.Tests.Storage.Contracts;

namespace Rebalancing.Functions.Tests.Notifications;

/// <summary>
/// The Service Bus sink against a mocked <see cref="ServiceBusSender"/> (no Service Bus emulator
/// exists here): what it sends, read back the way a subscriber receives it
/// (<see cref="ServiceBusModelFactory"/>, <see cref="ServiceBusReceivedMessage.FromAmqpMessage"/>),
/// and what a failed send does to the outbox.
/// </summary>
public sealed class ServiceBusEventSinkTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 3, 1, 8, 30, 0, TimeSpan.Zero);
    private readonly List<ServiceBusMessage> sent = [];
    private readonly EmbeddedDataDir dir = new();

    private static OutboxEvent Event(string id, string type = "plan.proposed") =>
        new(id, type, At, JsonSerializer.SerializeToElement(new { moves = 3, units = 12 }));

    [Fact]
    public async Task Publish_SendsOneCloudEventsMessage_WithTheEventIdAsMessageId_TypeAsSubject_AndItsContentType()
    {
        var sink = new ServiceBusEventSink(Sender().Object);
        var e = Event("r-1:plan.proposed:1");

        await sink.PublishAsync("r-1", e, CancellationToken.None);

        var message = Assert.Single(sent);
        Assert.Equal("r-1:plan.proposed:1", message.MessageId);
        Assert.Equal("plan.proposed", message.Subject);
        Assert.Equal("application/cloudevents+json", message.ContentType);
        Assert.Equal("plan.proposed", message.ApplicationProperties[ServiceBusEventSink.EventTypeProperty]);
        Assert.Equal("r-1", message.ApplicationProperties[ServiceBusEventSink.RunIdProperty]);
        Assert.Equal(CloudEventsWebhook.ToCloudEvent("r-1", e).GetRawText(), message.Body.ToString());
    }

    [Fact]
    public async Task Publish_WhatASubscriberReceives_IsAValidCloudEvent_WithTheEventsAttributesAndData()
    {
        await new ServiceBusEventSink(Sender().Object).PublishAsync("r-1", Event("r-1:plan.proposed:1"), CancellationToken.None);
        var message = Assert.Single(sent);

        // The subscriber's view, built by the SDK's model factory from what was sent.
        var received = ServiceBusModelFactory.ServiceBusReceivedMessage(
            body: message.Body,
            messageId: message.MessageId,
            subject: message.Subject,
            contentType: message.ContentType,
            properties: message.ApplicationProperties,
            deliveryCount: 1);
        var cloudEvent = CloudEvent.Parse(received.Body)!;

        Assert.Equal("r-1:plan.proposed:1", cloudEvent.Id);
        Assert.Equal("com.rebalancing.plan.proposed", cloudEvent.Type);
        Assert.Equal("/rebalancing/runs/r-1", cloudEvent.Source);
        Assert.Equal("r-1", cloudEvent.Subject);
        Assert.Equal(At, cloudEvent.Time);
        Assert.Equal("application/json", cloudEvent.DataContentType);
        Assert.Equal(12, cloudEvent.Data!.ToObjectFromJson<JsonElement>().GetProperty("units").GetInt32());
        Assert.Equal("r-1", received.ApplicationProperties[ServiceBusEventSink.RunIdProperty]);
    }

    [Fact]
    public async Task Publish_TheAmqpMessageOnTheWire_CarriesTheSameIdSubjectContentTypeAndProperties()
    {
        await new ServiceBusEventSink(Sender().Object).PublishAsync("r-1", Event("r-1:run.applied:1", "run.applied"), CancellationToken.None);
        var message = Assert.Single(sent);

        var received = ServiceBusReceivedMessage.FromAmqpMessage(message.GetRawAmqpMessage(), BinaryData.FromBytes(Guid.NewGuid().ToByteArray()));

        Assert.Equal("r-1:run.applied:1", received.MessageId);
        Assert.Equal("run.applied", received.Subject);
        Assert.Equal("application/cloudevents+json", received.ContentType);
        Assert.Equal("run.applied", received.ApplicationProperties[ServiceBusEventSink.EventTypeProperty]);
        Assert.Equal("com.rebalancing.run.applied", CloudEvent.Parse(received.Body)!.Type);
    }

    [Fact]
    public async Task Publish_SameEventTwice_SendsTheSameMessageIdAndBody_SoDuplicateDetectionDropsTheRetry()
    {
        var sink = new ServiceBusEventSink(Sender().Object);
        var e = Event("r-1:decision.recorded:2", "decision.recorded");

        await sink.PublishAsync("r-1", e, CancellationToken.None);
        await sink.PublishAsync("r-1", e, CancellationToken.None);

        Assert.Equal(2, sent.Count);
        Assert.Equal(sent[0].MessageId, sent[1].MessageId);
        Assert.Equal(sent[0].Body.ToString(), sent[1].Body.ToString());
    }

    [Fact]
    public async Task Publish_EventIdLongerThanServiceBusAllows_SendsAStableHashAsMessageId_AndTheFullIdInTheCloudEvent()
    {
        var longId = "r-1:" + new string('e', 190);
        var sink = new ServiceBusEventSink(Sender().Object);

        await sink.PublishAsync("r-1", Event(longId), CancellationToken.None);
        await sink.PublishAsync("r-1", Event(longId), CancellationToken.None);

        Assert.StartsWith("sha256:", sent[0].MessageId, StringComparison.Ordinal);
        Assert.True(sent[0].MessageId.Length <= ServiceBusEventSink.MaxMessageIdLength);
        Assert.Equal(sent[0].MessageId, sent[1].MessageId);
        Assert.Equal(longId, CloudEvent.Parse(sent[0].Body)!.Id);
    }

    [Fact]
    public async Task Publish_EventOutsideARun_HasTheSnapshotsSourceAndAnEmptyRunId()
    {
        await new ServiceBusEventSink(Sender().Object).PublishAsync(string.Empty, Event("o-1:snapshot.ingested:abc", "snapshot.ingested"), CancellationToken.None);

        var message = Assert.Single(sent);
        Assert.Equal(string.Empty, message.ApplicationProperties[ServiceBusEventSink.RunIdProperty]);
        Assert.Equal("/rebalancing/snapshots", CloudEvent.Parse(message.Body)!.Source);
    }

    [Fact]
    public async Task Publish_TransientFailureAfterTheClientsRetries_ThrowsStorageUnavailable_NamingTopicAndEvent()
    {
        var sender = Sender(new ServiceBusException(isTransient: true, "busy", reason: ServiceBusFailureReason.ServiceBusy));

        var error = await Assert.ThrowsAsync<StorageUnavailableException>(
            () => new ServiceBusEventSink(sender.Object).PublishAsync("r-1", Event("r-1:plan.proposed:1"), CancellationToken.None));

        Assert.IsType<ServiceBusException>(error.InnerException);
        Assert.Contains("rebalancing-events", error.Message, StringComparison.Ordinal);
        Assert.Contains("r-1:plan.proposed:1", error.Message, StringComparison.Ordinal);
        Assert.Contains("test.servicebus.windows.net", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_NonTransientFailure_SurfacesTheClientsException()
    {
        var sender = Sender(new ServiceBusException(isTransient: false, "no such topic", reason: ServiceBusFailureReason.MessagingEntityNotFound));

        var error = await Assert.ThrowsAsync<ServiceBusException>(
            () => new ServiceBusEventSink(sender.Object).PublishAsync("r-1", Event("r-1:plan.proposed:1"), CancellationToken.None));

        Assert.Equal(ServiceBusFailureReason.MessagingEntityNotFound, error.Reason);
    }


    [Fact]
    public async Task AddServiceBusEvents_WithoutANamespace_RegistersNoSink()
    {
        await using var provider = Provider(new() { });

        Assert.Null(provider.GetService<ServiceBusEventSink>());
        Assert.Equal(ServiceBusEventSinkOptions.DefaultTopic, provider.GetRequiredService<IOptions<ServiceBusEventSinkOptions>>().Value.Topic);
    }

    [Fact]
    public async Task AddServiceBusEvents_WithANamespace_RegistersASinkOnTheConfiguredTopic()
    {
        await using var provider = Provider(new()
        {
            ["Rebalancing:Notifications:ServiceBus:FullyQualifiedNamespace"] = "test.servicebus.windows.net",
            ["Rebalancing:Notifications:ServiceBus:Topic"] = "events-test",
            ["Rebalancing:Azure:ManagedIdentityClientId"] = "00000000-0000-0000-0000-000000000001",
        });

        Assert.NotNull(provider.GetService<ServiceBusEventSink>());
        var client = provider.GetRequiredService<ServiceBusClient>();
        Assert.Equal("test.servicebus.windows.net", client.FullyQualifiedNamespace);
    }

    [Fact]
    public async Task AddServiceBusEvents_WithAConnectionStringForANamespace_FailsValidationNamingTheKey()
    {
        await using var provider = Provider(new()
        {
            ["Rebalancing:Notifications:ServiceBus:FullyQualifiedNamespace"] = "Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=s",
        });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ServiceBusEventSinkOptions>>().Value);
        Assert.Contains("Rebalancing:Notifications:ServiceBus:FullyQualifiedNamespace", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => dir.Dispose();

    private static ServiceProvider Provider(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddServiceBusEvents(configuration);
        return services.BuildServiceProvider();
    }

    /// <summary>A sender on topic <c>rebalancing-events</c> that records each message and then completes, or throws <paramref name="failure"/>.</summary>
    private Mock<ServiceBusSender> Sender(Exception? failure = null)
    {
        var sender = new Mock<ServiceBusSender>();
        sender.SetupGet(s => s.EntityPath).Returns(ServiceBusEventSinkOptions.DefaultTopic);
        sender.SetupGet(s => s.FullyQualifiedNamespace).Returns("test.servicebus.windows.net");
        sender.Setup(s => s.SendMessageAsync(It.IsAny<ServiceBusMessage>(), It.IsAny<CancellationToken>()))
            .Callback<ServiceBusMessage, CancellationToken>((m, _) => sent.Add(m))
            .Returns(failure is null ? Task.CompletedTask : Task.FromException(failure));
        return sender;
    }
}
