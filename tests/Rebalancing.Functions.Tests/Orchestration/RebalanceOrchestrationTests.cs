using System.Globalization;
using System.Text.Json;
using Rebalancing.Functions.Orchestration;
using Rebalancing.Functions.Storage;

namespace Rebalancing.Functions.Tests.Orchestration;

/// <summary>The transition function alone: (state, event) → (state, commands), table-style. No stores, no clock.</summary>
public sealed class RebalanceOrchestrationTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly AsOfContext Context = new("snap", "snap", T0, "{}", "engine/1", ["A", "B", "C"], 10, 0, "input");
    private static readonly RunRequest Request = new("snap", null, [new Approver("boss", null, Elevated: true), new Approver("clerk", null, Elevated: false)]);

    private static readonly MoveRef[] Moves =
    [
        new("M1-a", 1, "A", "A", Elevated: false, MoveStatus.Proposed),
        new("M2-b", 2, "B", "B", Elevated: true, MoveStatus.Proposed),
        new("M2-c", 2, "A", "B", Elevated: false, MoveStatus.Proposed),
        new("M3-d", 3, "C", "C", Elevated: false, MoveStatus.Proposed),
    ];

    private static DateTimeOffset At(int minutes) => T0.AddMinutes(minutes);

    private static RunState Pending => RebalanceOrchestration.Start(new RunStarted(T0, "r-1", "o-1", Request)).State;

    private static RunState Pass1 => Apply(Pending, new SnapshotLoaded(At(1), Context));

    private static RunState Pass2 => Apply(Pass1, new WarehousePushCompleted(At(2), 10));

    private static RunState Pass2WithAB => Apply(Apply(Pass2, new ClusterTransfersCompleted(At(3), "A", 1)), new ClusterTransfersCompleted(At(3), "B", 1));

    private static RunState Joined => Apply(Pass2WithAB, new ClusterTransfersCompleted(At(4), "C", 1));

    private static RunState Pass3 => Apply(Joined, new CrossClusterCompleted(At(5), 2));

    private static RunState Consolidated => Apply(Pass3, new ConsolidationCompleted(At(6), 3));

    private static RunState Waiting => Apply(Consolidated, new PlanProposed(At(7), "hash", new PlanSummary(4, 40, 100, 10, 1), Moves));

    private static RunState PartlyApproved => Apply(Waiting, Approval("e-1", "clerk", DecisionKind.Approve, new ApprovalScope(null, [1], null)));

    private static RunState Applying => Apply(Waiting, Approval("e-1", "boss", DecisionKind.Approve));

    private static RunState Cancelled => Apply(Pass2, new CancelRequested(At(3), "cancel"));

    private static RunState Applied => Apply(Applying, new MovesApplied(At(9), new AppliedSummary(4, 40, 0.1m, At(8))));

    private static DateTimeOffset DueAt => At(7).AddHours(10);

    private static ApprovalReceived Approval(string eventId, string approver, DecisionKind decision, ApprovalScope? scope = null, bool elevated = false) =>
        new(At(8), eventId, new ApprovalDecision(approver, decision, scope ?? ApprovalScope.All, elevated));

    private static RunState Apply(RunState state, RunEvent e) => RebalanceOrchestration.Apply(state, e).State;

    /// <summary>name → (state, event, status after, commands).</summary>
    private static readonly Dictionary<string, (Func<RunState> State, RunEvent Event, RunStatus Status, string Commands)> Cases = new()
    {
        ["pending, snapshot loaded: pass 1"] = (() => Pending, new SnapshotLoaded(At(1), Context), RunStatus.Pass1, "run WarehousePush"),
        ["pass 1 done: fan out one item per cluster"] = (() => Pass1, new WarehousePushCompleted(At(2), 10), RunStatus.Pass2, "run StoreTransfersWithin/A; run StoreTransfersWithin/B; run StoreTransfersWithin/C"),
        ["first cluster: nothing to start yet"] = (() => Pass2, new ClusterTransfersCompleted(At(3), "A", 1), RunStatus.Pass2, ""),
        ["last cluster: the join starts the cross-cluster step"] = (() => Pass2WithAB, new ClusterTransfersCompleted(At(4), "C", 1), RunStatus.Pass2, "run StoreTransfersAcross"),
        ["duplicate cluster result: unchanged"] = (() => Pass2WithAB, new ClusterTransfersCompleted(At(4), "A", 1), RunStatus.Pass2, "unchanged"),
        ["duplicate last cluster after the join: unchanged"] = (() => Joined, new ClusterTransfersCompleted(At(4), "C", 1), RunStatus.Pass2, "unchanged"),
        ["cross-cluster before the join: unchanged"] = (() => Pass2WithAB, new CrossClusterCompleted(At(4), 1), RunStatus.Pass2, "unchanged"),
        ["cross-cluster done: pass 3"] = (() => Joined, new CrossClusterCompleted(At(5), 2), RunStatus.Pass3, "run Consolidate"),
        ["consolidated: propose"] = (() => Pass3, new ConsolidationCompleted(At(6), 3), RunStatus.Pass3, "run Propose"),
        ["proposed: wait, ask approvers, start the timer, drain the inbox"] = (() => Consolidated, new PlanProposed(At(7), "hash", new PlanSummary(4, 40, 100, 10, 1), Moves), RunStatus.AwaitingApproval,
            $"emit r-1:1 {RunEventTypes.PlanProposed}; emit r-1:2 {RunEventTypes.ApprovalRequested}; emit r-1:3 {RunEventTypes.ApprovalRequested}; timer 2026-03-01T18:07:00Z; drain"),
        ["an empty plan: nothing to approve, apply nothing"] = (() => Consolidated, new PlanProposed(At(7), "hash", new PlanSummary(0, 0, 0, 0, 0), []), RunStatus.Applying,
            $"emit r-1:1 {RunEventTypes.PlanProposed}; emit r-1:2 {RunEventTypes.ApprovalRequested}; emit r-1:3 {RunEventTypes.ApprovalRequested}; timer 2026-03-01T18:07:00Z; drain; apply "),
        ["approval before the run waits: kept in the inbox"] = (() => Pass2, Approval("e-1", "boss", DecisionKind.Approve), RunStatus.Pass2, "unchanged"),
        ["elevated approver approves all: apply everything"] = (() => Waiting, Approval("e-1", "boss", DecisionKind.Approve), RunStatus.Applying, $"emit r-1:4 {RunEventTypes.DecisionRecorded}; consume e-1; apply M1-a,M2-b,M2-c,M3-d"),
        ["standard approver approves all: the elevated move still waits"] = (() => Waiting, Approval("e-1", "clerk", DecisionKind.Approve), RunStatus.AwaitingApproval, $"emit r-1:4 {RunEventTypes.DecisionRecorded}; consume e-1"),
        ["a link vouching for an elevated approver decides elevated moves"] = (() => Waiting, Approval("e-1", "someone", DecisionKind.Approve, elevated: true), RunStatus.Applying, $"emit r-1:4 {RunEventTypes.DecisionRecorded}; consume e-1; apply M1-a,M2-b,M2-c,M3-d"),
        ["replayed decision: unchanged, consumed"] = (() => PartlyApproved, Approval("e-1", "boss", DecisionKind.Approve), RunStatus.AwaitingApproval, "unchanged; consume e-1"),
        ["reject all: rejected, org released"] = (() => Waiting, Approval("e-1", "boss", DecisionKind.Reject), RunStatus.Rejected, $"emit r-1:4 {RunEventTypes.DecisionRecorded}; consume e-1; emit r-1:5 {RunEventTypes.Rejected}; release o-1"),
        ["decision after the run finished: consumed, nothing changes"] = (() => Applied, Approval("e-9", "boss", DecisionKind.Reject), RunStatus.Applied, "unchanged; consume e-9"),
        ["timer before it is due: unchanged"] = (() => Waiting, new TimerFired(DueAt.AddSeconds(-1), DueAt.AddSeconds(-1)), RunStatus.AwaitingApproval, "unchanged"),
        ["stale timer (another deadline): unchanged"] = (() => Waiting, new TimerFired(DueAt.AddHours(1), DueAt.AddMinutes(-5)), RunStatus.AwaitingApproval, "unchanged"),
        ["timeout with no decision: expired, org released"] = (() => Waiting, new TimerFired(DueAt, DueAt), RunStatus.Expired, $"emit r-1:4 {RunEventTypes.Expired}; release o-1"),
        ["timeout with a partial approval: apply the approved subset"] = (() => PartlyApproved, new TimerFired(DueAt, DueAt), RunStatus.Applying, "apply M1-a"),
        ["timer after the approval won: unchanged"] = (() => Applying, new TimerFired(DueAt, DueAt), RunStatus.Applying, "unchanged"),
        ["cancel during the fan-out: cancelled, org released"] = (() => Pass2, new CancelRequested(At(3), "cancel"), RunStatus.Cancelled, $"emit r-1:1 {RunEventTypes.Cancelled}; release o-1; consume cancel"),
        ["cancel while waiting: cancelled"] = (() => Waiting, new CancelRequested(At(8), "cancel"), RunStatus.Cancelled, $"emit r-1:4 {RunEventTypes.Cancelled}; release o-1; consume cancel"),
        ["cancel while applying: too late, consumed"] = (() => Applying, new CancelRequested(At(8), "cancel"), RunStatus.Applying, "unchanged; consume cancel"),
        ["late cluster result after a cancel: unchanged"] = (() => Cancelled, new ClusterTransfersCompleted(At(4), "B", 1), RunStatus.Cancelled, "unchanged"),
        ["applied: done, org released"] = (() => Applying, new MovesApplied(At(9), new AppliedSummary(4, 40, 0.1m, At(8))), RunStatus.Applied, $"emit r-1:5 {RunEventTypes.Applied}; release o-1"),
        ["a step poisoned while expected: failed, org released"] = (() => Pass2, new StepPoisoned(At(3), RunStep.StoreTransfersWithin, "B", "boom"), RunStatus.Failed, $"emit r-1:1 {RunEventTypes.Failed}; release o-1"),
        ["a poisoned duplicate of a step already done: unchanged"] = (() => Pass3, new StepPoisoned(At(6), RunStep.WarehousePush, null, "boom"), RunStatus.Pass3, "unchanged"),
        ["an input that cannot be planned: failed"] = (() => Pending, new ActivityFailed(At(1), RunStep.LoadSnapshot, null, "snapshot gone"), RunStatus.Failed, $"emit r-1:1 {RunEventTypes.Failed}; release o-1"),
        ["anything after the end: unchanged"] = (() => Applied, new SnapshotLoaded(At(10), Context), RunStatus.Applied, "unchanged"),
    };

    public static TheoryData<string> CaseNames() => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Apply_Case_GivesTheStatusAndCommandsOfTheTable(string name)
    {
        var (state, e, status, commands) = Cases[name];
        var before = state();
        var transition = RebalanceOrchestration.Apply(before, e);

        Assert.Equal(status, transition.State.Status);
        var described = string.Join("; ", transition.Commands.Select(Describe));
        var unchanged = ReferenceEquals(before, transition.State);
        Assert.Equal(commands, unchanged ? string.Join("; ", new[] { "unchanged", described }.Where(s => s.Length > 0)) : described);
        if (!unchanged)
        {
            Assert.Equal(e.At, transition.State.UpdatedAt); // time comes from the event
        }
    }

    [Fact]
    public void Start_IsPendingAndLoadsTheSnapshot()
    {
        var start = RebalanceOrchestration.Start(new RunStarted(T0, "r-1", "o-1", Request));

        Assert.Equal(RunStatus.Pending, start.State.Status);
        Assert.Equal(T0, start.State.CreatedAt);
        Assert.Equal("run LoadSnapshot", string.Join("; ", start.Commands.Select(Describe)));
    }

    [Fact]
    public void Apply_TheSameEventToTheSameState_GivesTheSameResult()
    {
        var e = Approval("e-1", "clerk", DecisionKind.Approve, new ApprovalScope(["A"], null, null));
        var first = RebalanceOrchestration.Apply(Waiting, e);
        var second = RebalanceOrchestration.Apply(Waiting, e);

        Assert.Equal(Json(first.State), Json(second.State));
        Assert.Equal(first.Commands.Select(Describe), second.Commands.Select(Describe));
    }

    [Fact]
    public void Approval_ScopedByCluster_DecidesTheStandardMovesFromOrToIt()
    {
        var run = Apply(Waiting, Approval("e-1", "clerk", DecisionKind.Approve, new ApprovalScope(["B"], null, null)));

        Assert.Equal("M1-a Proposed, M2-b Proposed, M2-c Approved, M3-d Proposed", Statuses(run));
    }

    [Fact]
    public void Approval_ScopedByPassAndMoveIds_DecidesOnlyMovesMatchingBoth()
    {
        var run = Apply(Waiting, Approval("e-1", "boss", DecisionKind.Approve, new ApprovalScope(null, [2], ["M2-b", "M3-d"])));

        Assert.Equal("M1-a Proposed, M2-b Approved, M2-c Proposed, M3-d Proposed", Statuses(run));
    }

    [Fact]
    public void Decisions_FirstDecisionOfAMoveWins_LaterOnesDecideTheRest()
    {
        var run = Apply(Waiting, Approval("e-1", "boss", DecisionKind.Reject, new ApprovalScope(["C"], null, null)));
        var next = RebalanceOrchestration.Apply(run, Approval("e-2", "boss", DecisionKind.Approve));

        Assert.Equal("M1-a Approved, M2-b Approved, M2-c Approved, M3-d Rejected", Statuses(next.State));
        Assert.Equal(RunStatus.Applying, next.State.Status);
        Assert.Equal("apply M1-a,M2-b,M2-c", Describe(next.Commands[^1]));
    }

    [Fact]
    public void Outstanding_IsWhatTheStateWaitsFor()
    {
        Assert.Equal("run LoadSnapshot", Outstanding(Pending));
        Assert.Equal("run StoreTransfersWithin/C", Outstanding(Pass2WithAB));
        Assert.Equal("run StoreTransfersAcross", Outstanding(Joined));
        Assert.Equal("run Propose", Outstanding(Consolidated));
        Assert.Equal("timer 2026-03-01T18:07:00Z; drain", Outstanding(Waiting));
        Assert.Equal("apply M1-a,M2-b,M2-c,M3-d", Outstanding(Applying));
        Assert.Equal("release o-1", Outstanding(Applied));
    }

    [Fact]
    public void State_RoundTripsThroughTheRunDocument()
    {
        var transition = RebalanceOrchestration.Apply(Consolidated, new PlanProposed(At(7), "hash", new PlanSummary(4, 40, 100, 10, 1), Moves));
        var document = RunDocuments.Create(transition);

        Assert.Equal(Json(transition.State), Json(RunDocuments.Read(document)));
        Assert.Equal(["r-1:1", "r-1:2", "r-1:3"], document.PendingEvents.Select(e => e.EventId));
        Assert.Equal(nameof(RunStatus.AwaitingApproval), document.Status);
    }

    private static string Outstanding(RunState run) => string.Join("; ", RebalanceOrchestration.Outstanding(run).Select(Describe));

    private static string Statuses(RunState run) => string.Join(", ", run.Moves.Select(m => $"{m.MoveId} {m.Status}"));

    private static string Json(RunState state) => JsonSerializer.Serialize(state, StorageJson.Options);

    private static string Describe(RunCommand command) => command switch
    {
        RunActivity a => $"run {WorkKeys.For(a.Step, a.Cluster)}",
        ApplyMoves a => $"apply {string.Join(",", a.MoveIds)}",
        StartTimer t => $"timer {t.DueAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}",
        DrainInbox => "drain",
        ConsumeInboxEvent c => $"consume {c.EventId}",
        ReleaseOrg r => $"release {r.OrgId}",
        EmitEvent e => $"emit {e.EventId} {e.Type}",
        _ => command.ToString() ?? "",
    };
}
