namespace Rebalancing.Functions.Orchestration;

/// <summary>Something that happened to a run. Every event carries its time: the orchestration never reads a clock.</summary>
internal abstract record RunEvent(DateTimeOffset At);

/// <summary>A run was requested (the service creates the run with it).</summary>
internal sealed record RunStarted(DateTimeOffset At, string RunId, string OrgId, RunRequest Request) : RunEvent(At);

/// <summary>An activity finished; its result is stored (first result per work item wins) before this event is applied.</summary>
internal abstract record ActivityCompleted(DateTimeOffset At, RunStep Step, string? Cluster = null) : RunEvent(At);

/// <summary>The snapshot and policy were loaded and checked.</summary>
internal sealed record SnapshotLoaded(DateTimeOffset At, AsOfContext Context) : ActivityCompleted(At, RunStep.LoadSnapshot);

/// <summary>Pass 1 (warehouse to store) finished.</summary>
internal sealed record WarehousePushCompleted(DateTimeOffset At, int Moves) : ActivityCompleted(At, RunStep.WarehousePush);

/// <summary>Pass 2 within one cluster finished.</summary>
internal sealed record ClusterTransfersCompleted(DateTimeOffset At, string ClusterName, int Moves) : ActivityCompleted(At, RunStep.StoreTransfersWithin, ClusterName);

/// <summary>Pass 2 across clusters finished.</summary>
internal sealed record CrossClusterCompleted(DateTimeOffset At, int Moves) : ActivityCompleted(At, RunStep.StoreTransfersAcross);

/// <summary>Pass 3 (consolidation) finished.</summary>
internal sealed record ConsolidationCompleted(DateTimeOffset At, int Moves) : ActivityCompleted(At, RunStep.Consolidate);

/// <summary>The plan was assembled and stored.</summary>
internal sealed record PlanProposed(DateTimeOffset At, string DeterminismHash, PlanSummary Summary, IReadOnlyList<MoveRef> Moves) : ActivityCompleted(At, RunStep.Propose);

/// <summary>The approved moves are in the ledger.</summary>
internal sealed record MovesApplied(DateTimeOffset At, AppliedSummary Totals) : ActivityCompleted(At, RunStep.Apply);

/// <summary>An activity found an input it can never plan from (e.g. the snapshot no longer loads): retrying cannot help.</summary>
internal sealed record ActivityFailed(DateTimeOffset At, RunStep Step, string? Cluster, string Error) : RunEvent(At);

/// <summary>An activity threw on every one of its deliveries (<c>WorkQueueLimits.MaxDequeueCount</c>).</summary>
internal sealed record StepPoisoned(DateTimeOffset At, RunStep Step, string? Cluster, string Error) : RunEvent(At);

/// <summary>An approver's decision, from the run's inbox.</summary>
internal sealed record ApprovalReceived(DateTimeOffset At, string EventId, ApprovalDecision Decision) : RunEvent(At);

/// <summary>A durable timer came due.</summary>
internal sealed record TimerFired(DateTimeOffset At, DateTimeOffset DueAt) : RunEvent(At);

/// <summary>Someone asked to stop the run.</summary>
internal sealed record CancelRequested(DateTimeOffset At, string EventId) : RunEvent(At);

/// <summary>Approve or reject.</summary>
internal enum DecisionKind
{
    Approve,
    Reject,
}

/// <summary>Which moves a decision covers: every given filter must match (none given: the whole plan).</summary>
/// <param name="Clusters">Moves from or to one of these clusters.</param>
/// <param name="Passes">Moves of these passes.</param>
/// <param name="MoveIds">These moves.</param>
internal sealed record ApprovalScope(IReadOnlyList<string>? Clusters, IReadOnlyList<int>? Passes, IReadOnlyList<string>? MoveIds)
{
    public static ApprovalScope All { get; } = new(null, null, null);

    public bool Covers(MoveRef move) =>
        (Clusters is null || Clusters.Contains(move.FromCluster, StringComparer.Ordinal) || Clusters.Contains(move.ToCluster, StringComparer.Ordinal))
        && (Passes is null || Passes.Contains(move.Pass))
        && (MoveIds is null || MoveIds.Contains(move.MoveId, StringComparer.Ordinal));
}

/// <summary>One decision. <paramref name="Elevated"/> is the approver's level as the link (or caller) vouches for it.</summary>
internal sealed record ApprovalDecision(string ApproverId, DecisionKind Decision, ApprovalScope Scope, bool Elevated);
