namespace Rebalancing.Functions.Storage;

/// <summary>
/// An at-least-once work queue with the Azure Storage Queue contract: a received message is hidden
/// for a visibility timeout and comes back unless deleted; a message received for the
/// (<see cref="WorkQueueLimits.MaxDequeueCount"/> + 1)th time is moved to <c>{name}-poison</c> instead.
/// </summary>
internal interface IWorkQueue
{
    /// <summary>The queue's name.</summary>
    string Name { get; }

    /// <summary>Adds a message, invisible for <paramref name="initialVisibilityDelay"/> (at most <see cref="WorkQueueLimits.MaxVisibilityDelay"/>).</summary>
    Task<string> EnqueueAsync(string text, TimeSpan initialVisibilityDelay, CancellationToken cancellationToken);

    /// <summary>Takes the next visible message and hides it for <paramref name="visibilityTimeout"/>; null when none is visible.</summary>
    Task<QueueMessage?> ReceiveAsync(TimeSpan visibilityTimeout, CancellationToken cancellationToken);

    /// <summary>Deletes a received message; false when the pop receipt is stale (the message was received again, or is gone).</summary>
    Task<bool> DeleteAsync(string messageId, string popReceipt, CancellationToken cancellationToken);

    /// <summary>Hides a received message for <paramref name="visibilityTimeout"/> from now (zero: give it back now); the new pop receipt, or null when stale.</summary>
    Task<string?> UpdateVisibilityAsync(string messageId, string popReceipt, TimeSpan visibilityTimeout, CancellationToken cancellationToken);

    /// <summary>Checks that the queue answers (for the health endpoint).</summary>
    Task CheckHealthAsync(CancellationToken cancellationToken);
}

/// <summary>Opens queues by name (lower-case letters, digits and '-', 3-63 characters).</summary>
internal interface IWorkQueueFactory
{
    IWorkQueue Get(string name);
}

/// <summary>A received message.</summary>
/// <param name="DequeueCount">How many times the message has been handed out, this time included.</param>
internal sealed record QueueMessage(string MessageId, string PopReceipt, long DequeueCount, string Text, DateTimeOffset InsertedAt);

/// <summary>The limits every adapter applies, from Azure Storage Queues and the Azure Functions queue trigger.</summary>
internal static class WorkQueueLimits
{
    /// <summary>Deliveries before a message is poison (the Functions default <c>maxDequeueCount</c>).</summary>
    public const int MaxDequeueCount = 5;

    /// <summary>The longest initial delay or visibility timeout a queue accepts; chain timers that are longer.</summary>
    public static readonly TimeSpan MaxVisibilityDelay = TimeSpan.FromDays(7);

    /// <summary>The name of the queue that receives <paramref name="queueName"/>'s poison messages.</summary>
    public static string PoisonQueueName(string queueName) => queueName + "-poison";

    /// <summary>
    /// Checks an Azure Storage queue name (3-63 lower-case letters, digits and single hyphens, starting
    /// and ending with a letter or digit), leaving room for the <c>-poison</c> suffix.
    /// </summary>
    public static string CheckQueueName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var valid = name.Length is >= 3 and <= 56
            && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
            && name[0] != '-' && name[^1] != '-'
            && !name.Contains("--", StringComparison.Ordinal);
        if (!valid && !(name.EndsWith("-poison", StringComparison.Ordinal) && name.Length <= 63 && CheckQueueName(name[..^"-poison".Length]).Length > 0))
        {
            throw new ArgumentException($"'{name}' is not a valid queue name: use 3-56 lower-case letters, digits and single hyphens.", nameof(name));
        }

        return name;
    }

    internal static void CheckDelay(TimeSpan delay, string paramName)
    {
        if (delay < TimeSpan.Zero || delay > MaxVisibilityDelay)
        {
            throw new ArgumentOutOfRangeException(paramName, delay, "A queue delay must be between zero and 7 days; chain longer timers.");
        }
    }
}
