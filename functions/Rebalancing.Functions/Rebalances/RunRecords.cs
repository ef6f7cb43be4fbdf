using System.Text.Json.Serialization;
using Rebalancing.Engine.Plans;
using Rebalancing.Engine.Reasons;

namespace Rebalancing.Functions.Rebalances;

// The small sealed records the orchestration passes between its steps. They name blobs and carry counts, never
// plans or move lists, so Durable's queue messages and history stay small whatever the size of the network.

/// <summary>The status of a run, as the API reports it (the orchestration's custom status carries it).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RunStatus>))]
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

/// <summary>Where a run is in its life.</summary>
internal static class RunStatuses
{
    /// <summary>Applied, Rejected, Expired, Cancelled and Failed end a run.</summary>
    public static bool IsFinished(this RunStatus status) =>
        status is RunStatus.Applied or RunStatus.Rejected or RunStatus.Expired or RunStatus.Cancelled or RunStatus.Failed;

    /// <summary>A run can be cancelled until it starts applying.</summary>
    public static bool IsCancellable(this RunStatus status) => status is < RunStatus.Applying;
}

/// <summary>What became of one proposed move.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MoveStatus>))]
internal enum MoveStatus
{
    Proposed,
    Approved,
    Rejected,
    Applied,
}

/// <summary>Approve or reject.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DecisionKind>))]
internal enum DecisionKind
{
    Approve,
    Reject,
}

/// <summary>A person who may decide on a run's moves; only elevated approvers decide elevated moves.</summary>
internal sealed record Approver(string Id, string? Email, bool Elevated);

/// <summary>The orchestration's input: what to plan from and who approves.</summary>
internal sealed record RunInput(string RunId, string OrgId, string SnapshotId, string? PolicyJson, IReadOnlyList<Approver> Approvers);

/// <summary>The load step's output: the clusters to fan out over and the approval window.</summary>
internal sealed record LoadedRun(IReadOnlyList<string> Clusters, double ApprovalTimeoutHours);

/// <summary>A planning stage's input: the run, and for pass 2 within a cluster the cluster's index.</summary>
internal sealed record StageInput(string RunId, int? ClusterIndex = null);

/// <summary>A planning stage's output: the blob that holds its moves and how many there are.</summary>
internal sealed record StageOutput(string Blob, int Moves);

/// <summary>The proposal: the plan's hash and totals, and when it was proposed (the approval window starts then).</summary>
internal sealed record ProposedPlan(string DeterminismHash, PlanSummary Summary, DateTimeOffset ProposedAt);

/// <summary>The totals of a plan.</summary>
internal sealed record PlanSummary(int Moves, long Units, long GpUpliftCents, long FreightCostCents, int ElevatedMoves);

/// <summary>Which moves a decision covers: every given filter must match (none given: the whole plan; see <see cref="DecisionBook"/>).</summary>
/// <param name="Clusters">Moves from or to one of these clusters.</param>
/// <param name="Passes">Moves of these passes.</param>
/// <param name="MoveIds">These moves.</param>
internal sealed record ApprovalScope(IReadOnlyList<string>? Clusters, IReadOnlyList<int>? Passes, IReadOnlyList<string>? MoveIds)
{
    /// <summary>The whole plan.</summary>
    public static ApprovalScope All { get; } = new(null, null, null);
}

/// <summary>
/// An approver's decision: the payload of the orchestration's <c>approval</c> event. <paramref name="EventId"/> makes a
/// replay a duplicate; <paramref name="Elevated"/> is the level the signed link (or the API caller) vouches for.
/// </summary>
internal sealed record ApprovalDecision(string EventId, string ApproverId, DecisionKind Decision, ApprovalScope Scope, bool Elevated);

/// <summary>The payload of the orchestration's <c>cancel</c> event.</summary>
internal sealed record CancelRequest(string Reason);

/// <summary>Records one decision (or, with none, reads the tally so far: a resumed run starts from it).</summary>
internal sealed record DecisionInput(string RunId, int Sequence, ApprovalDecision? Decision, DateTimeOffset At);

/// <summary>How the plan's moves stand after the decisions so far.</summary>
internal sealed record DecisionTally(int Decisions, int Undecided, int Approved, int Rejected);

/// <summary>The apply step's input: the instant of the decision that ended the wait (the ledger's applied-at).</summary>
internal sealed record ApplyInput(string RunId, DateTimeOffset DecidedAt);

/// <summary>What was applied.</summary>
internal sealed record AppliedSummary(int Moves, long Units, decimal Cost, DateTimeOffset AppliedAt);

/// <summary>Why a run failed: the step (and cluster) and the error.</summary>
internal sealed record RunError(string Step, string? Cluster, string Message);

/// <summary>The last step of every run: record its end, release its org, emit its event.</summary>
internal sealed record FinishInput(string RunId, RunStatus Status, DateTimeOffset At, RunError? Error = null, AppliedSummary? Applied = null);

/// <summary>The orchestration's result.</summary>
internal sealed record RunOutcome(RunStatus Status, AppliedSummary? Applied, RunError? Error);

/// <summary>The orchestration's custom status: the run status of the API and each cluster's pass-2 progress.</summary>
internal sealed record RunProgress(RunStatus Status, IReadOnlyList<ClusterProgress> Clusters);

/// <summary>One cluster's pass-2 step: <c>pending</c>, <c>done</c> or <c>failed</c>.</summary>
internal sealed record ClusterProgress(string Cluster, string Status);

/// <summary>A proposed move in short: what approval scopes and the elevated rule look at.</summary>
internal sealed record MoveRef(string MoveId, int Pass, string FromCluster, string ToCluster, bool Elevated);

/// <summary>A plan row as the function app stores and lists it (the plan-output columns).</summary>
internal sealed record ProposedMove(
    string MoveId,
    int Pass,
    string FromNode,
    string ToNode,
    string Sku,
    string Style,
    string Size,
    int Quantity,
    string FromCluster,
    string ToCluster,
    long GpUpliftCents,
    long FreightCostCents,
    string Reason,
    ApprovalLevel ApprovalLevel)
{
    /// <summary>The row of a planned move.</summary>
    public static ProposedMove From(PlanMove m)
    {
        ArgumentNullException.ThrowIfNull(m);
        return new(m.MoveId, m.Pass, m.FromNode, m.ToNode, m.Sku, m.Style, m.Size, m.Quantity, m.FromCluster, m.ToCluster, m.GpUpliftCents, m.FreightCostCents, ReasonNames.Name(m.Reason), m.ApprovalLevel);
    }

    /// <summary>The move in short.</summary>
    public MoveRef Ref => new(MoveId, Pass, FromCluster, ToCluster, ApprovalLevel == ApprovalLevel.Elevated);
}

/// <summary>A plan row and what became of it.</summary>
internal sealed record RunMove(ProposedMove Move, MoveStatus Status);
