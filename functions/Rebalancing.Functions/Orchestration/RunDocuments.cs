using System.Text.Json;
using Rebalancing.Functions.Storage;

namespace Rebalancing.Functions.Orchestration;

/// <summary>How a run's state is kept in its run document, and how a transition becomes one conditional write.</summary>
internal static class RunDocuments
{
    public static RunState Read(RunDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return document.Body.Deserialize<RunState>(StorageJson.Options)
            ?? throw new InvalidDataException($"run '{document.RunId}' has no state");
    }

    /// <summary>A new run document.</summary>
    public static RunDocument Create(Transition transition)
    {
        ArgumentNullException.ThrowIfNull(transition);
        var state = transition.State;
        return new RunDocument(state.RunId, state.OrgId, state.Status.ToString(), state.CreatedAt, state.UpdatedAt, Body(state), Outbox(transition));
    }

    /// <summary>The document after <paramref name="transition"/>: new state and its events added to the outbox, in one write.</summary>
    public static RunDocument Next(RunDocument current, Transition transition)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(transition);
        var state = transition.State;
        return current with
        {
            Status = state.Status.ToString(),
            UpdatedAt = state.UpdatedAt,
            Body = Body(state),
            PendingEvents = [.. current.PendingEvents, .. Outbox(transition)],
        };
    }

    private static JsonElement Body(RunState state) => JsonSerializer.SerializeToElement(state, StorageJson.Options);

    private static List<OutboxEvent> Outbox(Transition transition) =>
        [.. transition.Commands.OfType<EmitEvent>().Select(e => new OutboxEvent(
            e.EventId,
            e.Type,
            transition.State.UpdatedAt,
            JsonSerializer.SerializeToElement(e.Data, e.Data.GetType(), StorageJson.Options)))];
}

/// <summary>
/// Carries out the commands of a committed transition. Every one is idempotent or harmless to repeat: a duplicate
/// work item finds its step done, a consumed inbox event stays consumed, a released org stays released.
/// </summary>
internal sealed class RunCommandExecutor(StorageServices stores, TimeProvider time, string queueName)
{
    private readonly IWorkQueue queue = stores.Queues.Get(queueName);

    public IWorkQueue Queue => queue;

    public async Task ExecuteAsync(RunState run, IEnumerable<RunCommand> commands, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(commands);
        foreach (var command in commands)
        {
            switch (command)
            {
                case RunActivity activity:
                    await EnqueueAsync(WorkItem.Activity(run.RunId, activity.Step, activity.Cluster), TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
                    break;
                case ApplyMoves:
                    await EnqueueAsync(WorkItem.Activity(run.RunId, RunStep.Apply), TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
                    break;
                case StartTimer timer:
                    await StartTimerAsync(run.RunId, timer.DueAt, cancellationToken).ConfigureAwait(false);
                    break;
                case DrainInbox:
                    await EnqueueAsync(WorkItem.Inbox(run.RunId), TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
                    break;
                case ConsumeInboxEvent consume:
                    await stores.Runs.MarkInboxConsumedAsync(run.RunId, consume.EventId, cancellationToken).ConfigureAwait(false);
                    break;
                case ReleaseOrg release:
                    await stores.Runs.ReleaseActiveRunAsync(release.OrgId, run.RunId, cancellationToken).ConfigureAwait(false);
                    break;
                case EmitEvent:
                    break; // already in the outbox, written with the state
                default:
                    throw new ArgumentOutOfRangeException(nameof(commands), command, "unknown command");
            }
        }
    }

    /// <summary>A durable timer: a message delayed until <paramref name="dueAt"/>, or as long as the queue allows (then re-sent).</summary>
    public Task StartTimerAsync(string runId, DateTimeOffset dueAt, CancellationToken cancellationToken)
    {
        var delay = dueAt - time.GetUtcNow();
        delay = delay < TimeSpan.Zero ? TimeSpan.Zero : delay > WorkQueueLimits.MaxVisibilityDelay ? WorkQueueLimits.MaxVisibilityDelay : delay;
        // Azure queues count delays in whole seconds: round up so a timer never wakes before it is due.
        delay = TimeSpan.FromSeconds(Math.Min(Math.Ceiling(delay.TotalSeconds), WorkQueueLimits.MaxVisibilityDelay.TotalSeconds));
        return EnqueueAsync(WorkItem.Timer(runId, dueAt), delay, cancellationToken);
    }

    public Task EnqueueAsync(WorkItem item, TimeSpan delay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        return queue.EnqueueAsync(item.ToJson(), delay, cancellationToken);
    }
}
