namespace Rebalancing.Functions.Orchestration;

/// <summary>
/// What a transition asks the worker to do. <see cref="EmitEvent"/> goes into the run's outbox in the same conditional
/// write as the new state; every other command runs after that write and is idempotent.
/// </summary>
internal abstract record RunCommand;

/// <summary>Run an activity (a work-queue message; for pass 2 within a cluster, one per cluster).</summary>
internal sealed record RunActivity(RunStep Step, string? Cluster = null) : RunCommand;

/// <summary>Apply the approved moves (the apply activity); the ids are for readers, the activity reads them from the state.</summary>
internal sealed record ApplyMoves(IReadOnlyList<string> MoveIds) : RunCommand;

/// <summary>Wake the run at <paramref name="DueAt"/> (a delayed queue message, chained past the queue's longest delay).</summary>
internal sealed record StartTimer(DateTimeOffset DueAt) : RunCommand;

/// <summary>Process the run's inbox (approvals kept while the run was not waiting yet).</summary>
internal sealed record DrainInbox : RunCommand;

/// <summary>Mark an inbox event consumed (it was applied, or can never apply).</summary>
internal sealed record ConsumeInboxEvent(string EventId) : RunCommand;

/// <summary>Free the org's active-run slot (on every terminal state).</summary>
internal sealed record ReleaseOrg(string OrgId) : RunCommand;

/// <summary>Publish an event (pipeline.md) through the outbox; the id is stable so consumers can de-duplicate.</summary>
internal sealed record EmitEvent(string EventId, string Type, object Data) : RunCommand; // Data: one of the *Data records below

/// <summary>The event types a run emits.</summary>
internal static class RunEventTypes
{
    public const string PlanProposed = "rebalance.plan-proposed";
    public const string ApprovalRequested = "rebalance.approval-requested";
    public const string DecisionRecorded = "rebalance.decision-recorded";
    public const string Applied = "rebalance.applied";
    public const string Rejected = "rebalance.rejected";
    public const string Expired = "rebalance.expired";
    public const string Cancelled = "rebalance.cancelled";
    public const string Failed = "rebalance.failed";
}

/// <summary>The data of <see cref="RunEventTypes.PlanProposed"/>.</summary>
internal sealed record PlanProposedData(string OrgId, string DeterminismHash, PlanSummary Summary, DateTimeOffset ApprovalDueAt);

/// <summary>The data of <see cref="RunEventTypes.ApprovalRequested"/>: issue 6 turns it into a link and notifications.</summary>
internal sealed record ApprovalRequestedData(string OrgId, string ApproverId, string? Email, bool Elevated, DateTimeOffset ApprovalDueAt);

/// <summary>The data of <see cref="RunEventTypes.DecisionRecorded"/>.</summary>
internal sealed record DecisionRecordedData(string OrgId, string EventId, string ApproverId, DecisionKind Decision, bool Elevated, int MovesDecided);

/// <summary>The data of <see cref="RunEventTypes.Applied"/>.</summary>
internal sealed record RunAppliedData(string OrgId, AppliedSummary Totals, string? DeterminismHash);

/// <summary>The data of <see cref="RunEventTypes.Rejected"/> and <see cref="RunEventTypes.Expired"/>.</summary>
internal sealed record RunEndedData(string OrgId, RunStatus Status, bool TimedOut);

/// <summary>The data of <see cref="RunEventTypes.Cancelled"/>: the status the run was cancelled in.</summary>
internal sealed record RunCancelledData(string OrgId, RunStatus CancelledIn);

/// <summary>The data of <see cref="RunEventTypes.Failed"/>.</summary>
internal sealed record RunFailedData(string OrgId, RunError Error);

/// <summary>A state and the commands that make it so.</summary>
internal sealed record Transition(RunState State, IReadOnlyList<RunCommand> Commands)
{
    public static Transition Unchanged(RunState state, params RunCommand[] commands) => new(state, commands);
}
