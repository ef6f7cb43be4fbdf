using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace Rebalancing.Functions.Rebalances;

/// <summary>
/// The rebalance workflow: load the snapshot, pass 1, pass 2 fanned out per cluster then across clusters, pass 3,
/// propose, notify the approvers, wait for their decisions against a durable timer, apply the approved moves.
/// A cancel event stops it at any step before applying. Decisions live in the engine and the activities; this is
/// the sequence, written once for every host (Azure Functions, Core Tools, the local host): it reads no clock,
/// makes no ids and does no I/O, so it replays.
/// </summary>
internal static class RebalanceOrchestrator
{
    /// <summary>The external event an approver's decision raises (<see cref="ApprovalDecision"/>).</summary>
    public const string ApprovalEvent = "approval";

    /// <summary>The external event that stops the run (<see cref="CancelRequest"/>).</summary>
    public const string CancelEvent = "cancel";

    /// <summary>Transient storage faults are retried; an input that cannot be planned from fails the run at once.</summary>
    private static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(
        new RetryPolicy(maxNumberOfAttempts: 5, firstRetryInterval: TimeSpan.FromSeconds(2), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromMinutes(1))
        {
            HandleFailure = failure => !failure.IsCausedBy<RunInputException>() && !failure.IsCausedBy<ArgumentException>(),
        });

    [Function(nameof(RebalanceOrchestrator))]
    public static async Task<RunOutcome> RunAsync([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var run = context.GetInput<RunInput>() ?? throw new ArgumentException("the orchestration needs a RunInput", nameof(context));
        var cancel = context.WaitForExternalEvent<CancelRequest>(CancelEvent);
        var progress = new Progress(context);
        var step = nameof(RebalanceActivities.LoadSnapshot);
        string? failedCluster = null;
        try
        {
            progress.Set(RunStatus.Pending);
            var loaded = await context.CallActivityAsync<LoadedRun>(nameof(RebalanceActivities.LoadSnapshot), run, Retry).OrCancel(cancel);
            if (loaded is null)
            {
                return await FinishAsync(context, progress, run, RunStatus.Cancelled);
            }

            progress.Set(RunStatus.Pass1, loaded.Clusters);
            step = nameof(RebalanceActivities.WarehousePush);
            if (await Stage(context, step, new StageInput(run.RunId)).OrCancel(cancel) is null)
            {
                return await FinishAsync(context, progress, run, RunStatus.Cancelled);
            }

            progress.Set(RunStatus.Pass2);
            step = nameof(RebalanceActivities.StoreTransfersWithin);
            var clusters = loaded.Clusters.Select((cluster, i) => (Cluster: cluster, Task: Stage(context, step, new StageInput(run.RunId, i)))).ToList();
            while (clusters.Count > 0)
            {
                var done = await Task.WhenAny([cancel, .. clusters.Select(c => c.Task)]);
                if (done == cancel)
                {
                    return await FinishAsync(context, progress, run, RunStatus.Cancelled); // results still on their way are ignored
                }

                var finished = clusters.First(c => c.Task == done);
                clusters.Remove(finished);
                failedCluster = finished.Cluster;
                await finished.Task; // a failed cluster fails the run, naming the cluster
                failedCluster = null;
                progress.ClusterDone(finished.Cluster);
            }

            step = nameof(RebalanceActivities.StoreTransfersAcross);
            if (await Stage(context, step, new StageInput(run.RunId)).OrCancel(cancel) is null)
            {
                return await FinishAsync(context, progress, run, RunStatus.Cancelled);
            }

            progress.Set(RunStatus.Pass3);
            step = nameof(RebalanceActivities.Consolidate);
            if (await Stage(context, step, new StageInput(run.RunId)).OrCancel(cancel) is null)
            {
                return await FinishAsync(context, progress, run, RunStatus.Cancelled);
            }

            step = nameof(RebalanceActivities.ProposePlan);
            var plan = await context.CallActivityAsync<ProposedPlan>(step, run.RunId, Retry).OrCancel(cancel);
            if (plan is null)
            {
                return await FinishAsync(context, progress, run, RunStatus.Cancelled);
            }

            progress.Set(RunStatus.AwaitingApproval);
            step = nameof(RebalanceActivities.NotifyApprovers);
            await context.CallActivityAsync<int>(step, run.RunId, Retry);

            step = nameof(RebalanceActivities.RecordDecision);
            var wait = await WaitForDecisionsAsync(context, run, plan, loaded.ApprovalTimeoutHours, cancel);
            if (wait.Outcome != RunStatus.Applying)
            {
                return await FinishAsync(context, progress, run, wait.Outcome);
            }

            progress.Set(RunStatus.Applying);
            step = nameof(RebalanceActivities.ApplyMoves);
            var applied = await context.CallActivityAsync<AppliedSummary>(step, new ApplyInput(run.RunId, wait.DecidedAt), Retry);
            return await FinishAsync(context, progress, run, RunStatus.Applied, applied: applied);
        }
        catch (TaskFailedException failure)
        {
            var error = new RunError(step, failedCluster, failure.FailureDetails.ErrorMessage);
            progress.Failed(failedCluster);
            return await FinishAsync(context, progress, run, RunStatus.Failed, error);
        }
    }

    /// <summary>
    /// Waits until every move is decided, or the approval window closes, or the run is cancelled. Approvals raised
    /// before this wait began were kept by the runtime and arrive first; a replayed event id changes nothing.
    /// </summary>
    private static async Task<(RunStatus Outcome, DateTimeOffset DecidedAt)> WaitForDecisionsAsync(
        TaskOrchestrationContext context, RunInput run, ProposedPlan plan, double timeoutHours, Task<CancelRequest> cancel)
    {
        // A resumed run starts from the decisions already recorded.
        var tally = await context.CallActivityAsync<DecisionTally>(nameof(RebalanceActivities.RecordDecision), new DecisionInput(run.RunId, 0, null, context.CurrentUtcDateTime), Retry);
        using var timeout = new CancellationTokenSource();
        var dueAt = plan.ProposedAt + TimeSpan.FromHours(timeoutHours);
        var timer = context.CreateTimer(dueAt.UtcDateTime, timeout.Token);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var sequence = tally.Decisions;
        Task<ApprovalDecision>? approval = null;
        var timedOut = false;
        while (plan.Summary.Moves > 0 && tally.Undecided > 0)
        {
            approval ??= context.WaitForExternalEvent<ApprovalDecision>(ApprovalEvent);
            var next = await Task.WhenAny(approval, timer, cancel);
            if (next == cancel)
            {
                timeout.Cancel();
                return (RunStatus.Cancelled, context.CurrentUtcDateTime);
            }

            if (next == timer)
            {
                timedOut = true;
                break;
            }

            var decision = await approval;
            approval = null;
            if (seen.Add(decision.EventId))
            {
                tally = await context.CallActivityAsync<DecisionTally>(
                    nameof(RebalanceActivities.RecordDecision), new DecisionInput(run.RunId, ++sequence, decision, context.CurrentUtcDateTime), Retry);
            }
        }

        if (!timedOut)
        {
            timeout.Cancel();
        }

        var outcome = plan.Summary.Moves == 0 || tally.Approved > 0 ? RunStatus.Applying
            : timedOut && tally.Rejected == 0 ? RunStatus.Expired
            : RunStatus.Rejected;
        return (outcome, context.CurrentUtcDateTime);
    }

    private static Task<StageOutput> Stage(TaskOrchestrationContext context, string activity, StageInput input) =>
        context.CallActivityAsync<StageOutput>(activity, input, Retry);

    private static async Task<RunOutcome> FinishAsync(TaskOrchestrationContext context, Progress progress, RunInput run, RunStatus status, RunError? error = null, AppliedSummary? applied = null)
    {
        // The run document records the end first: a reader never sees a final status without its totals or error.
        var outcome = await context.CallActivityAsync<RunOutcome>(
            nameof(RebalanceActivities.FinishRun), new FinishInput(run.RunId, status, context.CurrentUtcDateTime, error, applied), Retry);
        progress.Set(status);
        return outcome;
    }

    /// <summary>The step's result, or null when the cancel event came first.</summary>
    private static async Task<T?> OrCancel<T>(this Task<T> step, Task<CancelRequest> cancel) where T : class =>
        await Task.WhenAny(step, cancel) == step ? await step : null;

    /// <summary>The custom status: the run status of the API and each cluster's pass-2 progress.</summary>
    private sealed class Progress(TaskOrchestrationContext context)
    {
        private RunStatus status;
        private List<ClusterProgress> clusters = [];

        public void Set(RunStatus next, IReadOnlyList<string>? clusterNames = null)
        {
            status = next;
            if (clusterNames is not null)
            {
                clusters = [.. clusterNames.Select(c => new ClusterProgress(c, "pending"))];
            }

            Publish();
        }

        public void ClusterDone(string cluster) => Mark(cluster, "done");

        public void Failed(string? cluster)
        {
            if (cluster is not null)
            {
                Mark(cluster, "failed");
            }
        }

        private void Mark(string cluster, string state)
        {
            clusters = [.. clusters.Select(c => c.Cluster == cluster ? c with { Status = state } : c)];
            Publish();
        }

        private void Publish() => context.SetCustomStatus(new RunProgress(status, clusters));
    }
}
