using System.Text.Json;
using Rebalancing.Functions.Activities;
using Rebalancing.Functions.Storage;

namespace Rebalancing.Functions.Orchestration;

/// <summary>Where a test may kill a worker (a crash is an exception the worker does not catch).</summary>
internal enum WorkerFaultPoint
{
    /// <summary>The activity's result (or the ledger) is written; the run is not.</summary>
    AfterSideEffect,

    /// <summary>The run is written; follow-up messages are not sent.</summary>
    AfterCommit,

    /// <summary>Everything is done but deleting the message.</summary>
    BeforeDelete,
}

/// <summary>Fault injection for tests; production passes none.</summary>
internal interface IWorkerFaults
{
    void At(WorkerFaultPoint point, WorkItem item, QueueMessage message);
}

/// <summary>Worker settings.</summary>
internal sealed record RunWorkerOptions
{
    public string QueueName { get; init; } = QueueNames.Work;

    /// <summary>How long a received message stays hidden while it is handled (then another worker gets it).</summary>
    public TimeSpan VisibilityTimeout { get; init; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// Handles the orchestration's work-queue messages: receive, load the run (with its ETag), run the activity (its
/// result stored before the run advances), apply the transition, write the run and its outbox events in one
/// conditional replace (a stale ETag: reload and apply again), send the follow-up messages, dispatch the outbox,
/// and only then delete the message. A crash anywhere leaves the message to be redelivered, and the redelivery
/// finds the work done and only re-sends what the committed state still waits for.
/// </summary>
internal sealed class RunWorker
{
    private const int MaxConflictRetries = 50;
    private readonly StorageServices stores;
    private readonly IRebalanceActivities activities;
    private readonly TimeProvider time;
    private readonly RunWorkerOptions options;
    private readonly IWorkerFaults? faults;
    private readonly RunCommandExecutor executor;
    private readonly OutboxDispatcher outbox;

    public RunWorker(StorageServices stores, IRebalanceActivities activities, IEventSink events, TimeProvider time, RunWorkerOptions? options = null, IWorkerFaults? faults = null)
    {
        ArgumentNullException.ThrowIfNull(stores);
        this.stores = stores;
        this.activities = activities;
        this.time = time;
        this.options = options ?? new RunWorkerOptions();
        this.faults = faults;
        executor = new RunCommandExecutor(stores, time, this.options.QueueName);
        outbox = new OutboxDispatcher(stores.Runs, events);
    }

    /// <summary>Handles the next visible message; false when there was none.</summary>
    public async Task<bool> RunOnceAsync(CancellationToken cancellationToken)
    {
        var message = await executor.Queue.ReceiveAsync(options.VisibilityTimeout, cancellationToken).ConfigureAwait(false);
        if (message is null)
        {
            return false;
        }

        await HandleAsync(message, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Handles one received message (deleting it when done).</summary>
    public async Task HandleAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var item = WorkItem.Parse(message.Text);
        if (item is not null)
        {
            var handled = item.Kind switch
            {
                WorkKind.Activity => await RunActivityAsync(item, message, cancellationToken).ConfigureAwait(false),
                WorkKind.Timer => await FireTimerAsync(item, message, cancellationToken).ConfigureAwait(false),
                WorkKind.Inbox => await DrainInboxAsync(item, message, cancellationToken).ConfigureAwait(false),
                _ => true,
            };
            if (!handled)
            {
                return; // given back for another delivery
            }

            await outbox.DispatchAsync(item.RunId, cancellationToken).ConfigureAwait(false);
            faults?.At(WorkerFaultPoint.BeforeDelete, item, message);
        }

        await executor.Queue.DeleteAsync(message.MessageId, message.PopReceipt, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Moves the runs of parked (poison) messages to Failed: a message lands there when its handler died on every one
    /// of its deliveries before it could record the failure itself.
    /// </summary>
    public async Task<int> DrainPoisonAsync(CancellationToken cancellationToken)
    {
        var poison = stores.Queues.Get(WorkQueueLimits.PoisonQueueName(options.QueueName));
        var count = 0;
        while (await poison.ReceiveAsync(options.VisibilityTimeout, cancellationToken).ConfigureAwait(false) is { } message)
        {
            if (WorkItem.Parse(message.Text) is { Kind: WorkKind.Activity, Step: { } step } item)
            {
                var poisoned = new StepPoisoned(time.GetUtcNow(), step, item.Cluster, $"the {step} message was delivered {WorkQueueLimits.MaxDequeueCount} times without completing");
                await CommitAsync(item.RunId, run => RebalanceOrchestration.Apply(run, poisoned), reissueOutstanding: false, item, message, cancellationToken).ConfigureAwait(false);
                await outbox.DispatchAsync(item.RunId, cancellationToken).ConfigureAwait(false);
            }

            await poison.DeleteAsync(message.MessageId, message.PopReceipt, cancellationToken).ConfigureAwait(false);
            count++;
        }

        return count;
    }

    private async Task<bool> RunActivityAsync(WorkItem item, QueueMessage message, CancellationToken ct)
    {
        var step = item.Step!.Value;
        var current = await stores.Runs.GetAsync(item.RunId, ct).ConfigureAwait(false);
        if (current is null)
        {
            return true;
        }

        var run = RunDocuments.Read(current.Value);
        if (!RebalanceOrchestration.IsExpected(run, step, item.Cluster))
        {
            // Done already (a duplicate or a redelivery after a crash), or no longer wanted (cancelled, failed).
            await ReissueIfRedeliveredAsync(run, message, ct).ConfigureAwait(false);
            return true;
        }

        RunEvent completed;
        try
        {
            completed = await activities.RunAsync(run, step, item.Cluster, time.GetUtcNow(), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (message.DequeueCount < WorkQueueLimits.MaxDequeueCount)
            {
                await executor.Queue.UpdateVisibilityAsync(message.MessageId, message.PopReceipt, TimeSpan.Zero, ct).ConfigureAwait(false);
                return false;
            }

            completed = new StepPoisoned(time.GetUtcNow(), step, item.Cluster, $"{e.GetType().Name}: {e.Message}");
        }

        faults?.At(WorkerFaultPoint.AfterSideEffect, item, message);
        await CommitAsync(item.RunId, state => RebalanceOrchestration.Apply(state, completed), message.DequeueCount > 1, item, message, ct).ConfigureAwait(false);
        return true;
    }

    private async Task<bool> FireTimerAsync(WorkItem item, QueueMessage message, CancellationToken ct)
    {
        var dueAt = item.DueAt!.Value;
        if (time.GetUtcNow() < dueAt)
        {
            await executor.StartTimerAsync(item.RunId, dueAt, ct).ConfigureAwait(false); // the next link of a long timer
            return true;
        }

        var fired = new TimerFired(time.GetUtcNow(), dueAt);
        await CommitAsync(item.RunId, run => RebalanceOrchestration.Apply(run, fired), message.DequeueCount > 1, item, message, ct).ConfigureAwait(false);
        return true;
    }

    private async Task<bool> DrainInboxAsync(WorkItem item, QueueMessage message, CancellationToken ct)
    {
        var inbox = await stores.Runs.ListUnconsumedInboxAsync(item.RunId, ct).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var events = inbox.Select(e => InboxEvents.ToRunEvent(e, now)).ToList();
        await CommitAsync(item.RunId, run => ApplyAll(run, events), message.DequeueCount > 1, item, message, ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>Several events in one transition (and one write): the inbox, in arrival order.</summary>
    private static Transition ApplyAll(RunState run, IReadOnlyList<RunEvent> events)
    {
        var state = run;
        var commands = new List<RunCommand>();
        foreach (var e in events)
        {
            var next = RebalanceOrchestration.Apply(state, e);
            state = next.State;
            commands.AddRange(next.Commands);
        }

        return new(state, commands);
    }

    /// <summary>
    /// Applies a transition to the latest run with one conditional write (state and outbox events together),
    /// reloading and re-applying on a stale ETag; then carries out the other commands.
    /// </summary>
    private async Task CommitAsync(string runId, Func<RunState, Transition> transition, bool reissueOutstanding, WorkItem item, QueueMessage message, CancellationToken ct)
    {
        for (var attempt = 0; attempt < MaxConflictRetries; attempt++)
        {
            var current = await stores.Runs.GetAsync(runId, ct).ConfigureAwait(false);
            if (current is null)
            {
                return;
            }

            var run = RunDocuments.Read(current.Value);
            var next = transition(run);
            if (ReferenceEquals(next.State, run))
            {
                await executor.ExecuteAsync(run, next.Commands, ct).ConfigureAwait(false);
                if (reissueOutstanding)
                {
                    await ReissueIfRedeliveredAsync(run, message, ct).ConfigureAwait(false);
                }

                return;
            }

            try
            {
                await stores.Runs.ReplaceAsync(RunDocuments.Next(current.Value, next), current.ETag, ct).ConfigureAwait(false);
            }
            catch (ConcurrencyConflictException)
            {
                continue; // someone else advanced the run: apply the event to what they wrote
            }

            faults?.At(WorkerFaultPoint.AfterCommit, item, message);
            await executor.ExecuteAsync(next.State, next.Commands, ct).ConfigureAwait(false);
            return;
        }

        throw new ConcurrencyConflictException($"run '{runId}' kept changing; the message will be delivered again");
    }

    /// <summary>
    /// A redelivered message whose work is done may be the one whose handler died between committing and sending the
    /// follow-ups: send again what the committed state waits for (duplicates are no-ops).
    /// </summary>
    private Task ReissueIfRedeliveredAsync(RunState run, QueueMessage message, CancellationToken ct) =>
        message.DequeueCount > 1 ? executor.ExecuteAsync(run, RebalanceOrchestration.Outstanding(run), ct) : Task.CompletedTask;
}

/// <summary>The external events a run accepts, as the inbox keeps them.</summary>
internal static class InboxEvents
{
    /// <summary>An approval decision: <see cref="ApprovalDecision"/> as JSON.</summary>
    public const string Approval = "approval";

    /// <summary>A cancel request.</summary>
    public const string Cancel = "cancel";

    public static RunEvent ToRunEvent(InboxEvent e, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Name switch
        {
            Approval => new ApprovalReceived(now, e.EventId, e.Payload.Deserialize<ApprovalDecision>(StorageJson.Options)!),
            Cancel => new CancelRequested(now, e.EventId),
            _ => throw new InvalidDataException($"unknown inbox event '{e.Name}'"),
        };
    }
}
