using System.Text.Json.Serialization;

namespace Rebalancing.Functions.Orchestration;

/// <summary>The run statuses of http-api.md, in lifecycle order.</summary>
internal enum RunStatus
{
    Pending,
    Pass1,
    Pass2,
    Pass3,
    AwaitingApproval,
    Applying,
    Applied,
    Rejected,
    Expired,
    Cancelled,
    Failed,
}

/// <summary>The activities of a run, in the order the orchestration runs them.</summary>
internal enum RunStep
{
    LoadSnapshot,
    WarehousePush,
    StoreTransfersWithin,
    StoreTransfersAcross,
    Consolidate,
    Propose,
    Apply,
}

/// <summary>A move's decision state (the <c>status</c> column of the moves API).</summary>
internal enum MoveStatus
{
    Proposed,
    Approved,
    Rejected,
    Applied,
}

/// <summary>Someone who may decide on the run's moves; only elevated approvers decide elevated moves.</summary>
internal sealed record Approver(string Id, string? Email, bool Elevated);

/// <summary>What the run was started with (the snapshot id is resolved to the org's latest at start).</summary>
internal sealed record RunRequest(string SnapshotId, string? PolicyJson, IReadOnlyList<Approver> Approvers);

/// <summary>
/// The as-of context the run planned from, recorded so that the ledger explains every applied change long after the
/// snapshot is replaced.
/// </summary>
/// <param name="SnapshotId">The stored snapshot (its content hash is its id).</param>
/// <param name="SnapshotContentHash">SHA-256 of the bundle.</param>
/// <param name="AsOf">The instant the snapshot describes.</param>
/// <param name="PolicyJson">The effective policy, canonical JSON.</param>
/// <param name="EngineVersion">The engine that planned.</param>
/// <param name="Clusters">The snapshot's clusters (ordinal), one pass-2 work item each.</param>
/// <param name="ApprovalTimeoutHours">The policy's <c>approval.timeout_hours</c>.</param>
/// <param name="LedgerRecentMoves">Moves from the ledger added to the snapshot's <c>recent_moves.csv</c>.</param>
/// <param name="PlanningInputHash">SHA-256 of what was planned from: the bundle plus the ledger's recent moves.</param>
internal sealed record AsOfContext(
    string SnapshotId,
    string SnapshotContentHash,
    DateTimeOffset AsOf,
    string PolicyJson,
    string EngineVersion,
    IReadOnlyList<string> Clusters,
    double ApprovalTimeoutHours,
    int LedgerRecentMoves,
    string PlanningInputHash);

/// <summary>
/// What the orchestration needs to know about a proposed move to decide approvals: its scope keys and level.
/// The full rows (SKU, nodes, units, money) are in the run's stored plan.
/// </summary>
internal sealed record MoveRef(string MoveId, int Pass, string FromCluster, string ToCluster, bool Elevated, MoveStatus Status);

/// <summary>The proposed plan's totals.</summary>
internal sealed record PlanSummary(int Moves, long Units, long GpUpliftCents, long FreightCostCents, int ElevatedMoves);

/// <summary>What applying wrote to the ledger.</summary>
internal sealed record AppliedSummary(int Moves, long Units, decimal Cost, DateTimeOffset AppliedAt);

/// <summary>Why a run failed.</summary>
internal sealed record RunError(RunStep Step, string? Cluster, string Message, bool Poisoned);

/// <summary>
/// The whole state of one run, stored as the run document's body. Immutable: a transition returns a new state.
/// </summary>
internal sealed record RunState(
    string RunId,
    string OrgId,
    RunStatus Status,
    RunRequest Request,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>Set when the snapshot is loaded.</summary>
    public AsOfContext? Context { get; init; }

    /// <summary>Work items completed, as <see cref="WorkKeys"/> (sorted).</summary>
    public IReadOnlyList<string> Done { get; init; } = [];

    /// <summary>The plan's determinism hash, once proposed.</summary>
    public string? DeterminismHash { get; init; }

    /// <summary>The plan's totals, once proposed.</summary>
    public PlanSummary? Summary { get; init; }

    /// <summary>The proposed moves with their decision state, by move id.</summary>
    public IReadOnlyList<MoveRef> Moves { get; init; } = [];

    /// <summary>When the plan was proposed.</summary>
    public DateTimeOffset? ProposedAt { get; init; }

    /// <summary>When the wait for approval ends (proposed at + <c>approval.timeout_hours</c>); the only timer that counts.</summary>
    public DateTimeOffset? ApprovalDueAt { get; init; }

    /// <summary>When the decision to apply (or not) was taken; applied orders are stamped with it.</summary>
    public DateTimeOffset? DecidedAt { get; init; }

    /// <summary>Ids of the approval events already counted (decisions are de-duplicated by event id).</summary>
    public IReadOnlyList<string> DecisionEventIds { get; init; } = [];

    /// <summary>What was applied.</summary>
    public AppliedSummary? Applied { get; init; }

    /// <summary>Why the run failed.</summary>
    public RunError? Error { get; init; }

    /// <summary>How many outbox events the run has emitted (their ids are <c>{runId}:{n}</c>).</summary>
    public int EventsEmitted { get; init; }

    /// <summary>Whether the run has finished (nothing can change it any more).</summary>
    [JsonIgnore]
    public bool IsFinished => Status is RunStatus.Applied or RunStatus.Rejected or RunStatus.Expired or RunStatus.Cancelled or RunStatus.Failed;

    /// <summary>Whether the run may still be cancelled (anything before applying).</summary>
    [JsonIgnore]
    public bool IsCancellable => Status is RunStatus.Pending or RunStatus.Pass1 or RunStatus.Pass2 or RunStatus.Pass3 or RunStatus.AwaitingApproval;

    /// <summary>The run's clusters (empty before the snapshot is loaded).</summary>
    [JsonIgnore]
    public IReadOnlyList<string> Clusters => Context?.Clusters ?? [];

    /// <summary>Pass-2 progress per cluster (for the status API): done, or still to do.</summary>
    [JsonIgnore]
    public IReadOnlyList<ClusterProgress> ClusterProgress =>
        [.. Clusters.Select(c => new ClusterProgress(c, IsDone(RunStep.StoreTransfersWithin, c)))];

    /// <summary>Whether a work item is recorded done.</summary>
    public bool IsDone(RunStep step, string? cluster) => Done.Contains(WorkKeys.For(step, cluster), StringComparer.Ordinal);
}

/// <summary>One cluster's pass-2 work item.</summary>
internal sealed record ClusterProgress(string Cluster, bool Done);

/// <summary>The key of a work item: the step, and for pass 2 within a cluster the cluster.</summary>
internal static class WorkKeys
{
    public static string For(RunStep step, string? cluster) => cluster is null ? step.ToString() : $"{step}/{cluster}";
}
