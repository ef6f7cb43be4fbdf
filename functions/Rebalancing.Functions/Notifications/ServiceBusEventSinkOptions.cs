using System.ComponentModel.DataAnnotations;

namespace Rebalancing.Functions.Notifications;

/// <summary>
/// The <c>Rebalancing:Notifications:ServiceBus</c> section: where <see cref="ServiceBusEventSink"/>
/// publishes events. Without a namespace no Service Bus sink exists. There are no keys: the client
/// signs in with the storage credential (managed identity in Azure).
/// </summary>
internal sealed class ServiceBusEventSinkOptions : IValidatableObject
{
    public const string SectionName = "Rebalancing:Notifications:ServiceBus";

    /// <summary>The default topic.</summary>
    public const string DefaultTopic = "rebalancing-events";

    /// <summary>The namespace's host name, e.g. <c>NAMESPACE.servicebus.windows.net</c> (default none: no Service Bus events).</summary>
    public string? FullyQualifiedNamespace { get; set; }

    /// <summary>The topic every event goes to (default <c>rebalancing-events</c>).</summary>
    [Required]
    public string Topic { get; set; } = DefaultTopic;

    /// <summary>Whether a namespace is configured, so that a sink is built.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(FullyQualifiedNamespace);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (IsConfigured && (FullyQualifiedNamespace!.Contains(';', StringComparison.Ordinal) || FullyQualifiedNamespace.Contains('=', StringComparison.Ordinal)))
        {
            yield return new ValidationResult(
                $"{SectionName}:FullyQualifiedNamespace takes the namespace's host name (NAMESPACE.servicebus.windows.net), not a connection string: keys stay out of settings.",
                [nameof(FullyQualifiedNamespace)]);
        }

        if (string.IsNullOrWhiteSpace(Topic))
        {
            yield return new ValidationResult($"{SectionName}:Topic must not be empty.", [nameof(Topic)]);
        }
    }
}
