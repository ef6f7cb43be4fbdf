namespace Rebalancing.Functions.Orchestration;

/// <summary>
/// The rebalance orchestration as a pure transition function: (state, event) → (state, commands). It reads no clock
/// (time is the event's), makes no ids but from the state, does no I/O and logs nothing, so a worker can apply it again
/// after any crash and get the same answer. Read it top to bottom like a Durable orchestrator:
/// <code>
/// load snapshot → pass 1 → pass 2 per cluster (fan-out, join) → across clusters → pass 3 → propose
///   → wait for approvals or the timeout → apply the approved subset → Applied | Rejected | Expired
/// (Cancelled before applying; Failed when a step fails for good)
/// </code>
/// </summary>
internal static class RebalanceOrchestration
{
    /// <summary>A new run: Pending, loading its snapshot.</summary>
    public static Transition Start(RunStarted started)
    {
        ArgumentNullException.ThrowIfNull(started);
        var run = new RunState(started.RunId, started.OrgId, RunStatus.Pending, started.Request, started.At, started.At);
        return new(run, [new RunActivity(RunStep.LoadSnapshot)]);
    }

    /// <summary>The next state and what to do about it; the same state (by reference) when the event changes nothing.</summary>
    public static Transition Apply(RunState run, RunEvent e)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(e);
        return e switch
        {
            // A result nobody waits for (a duplicate, a late cluster after a cancel, a step of a finished run) changes nothing.
            ActivityCompleted done when !IsExpected(run, done.Step, done.Cluster) => Transition.Unchanged(run),

            SnapshotLoaded loaded => Next(run with { Context = loaded.Context, Status = RunStatus.Pass1 }, loaded)
                .Then(new RunActivity(RunStep.WarehousePush)),

            WarehousePushCompleted pass1 => Next(run with { Status = RunStatus.Pass2 }, pass1)
                .Then(FanOut(run.Clusters)),

            ClusterTransfersCompleted cluster => Join(Next(run, cluster)),

            CrossClusterCompleted across => Next(run with { Status = RunStatus.Pass3 }, across)
                .Then(new RunActivity(RunStep.Consolidate)),

            ConsolidationCompleted pass3 => Next(run, pass3)
                .Then(new RunActivity(RunStep.Propose)),

            PlanProposed plan => WaitForApproval(run, plan),

            MovesApplied applied => Finish(
                Next(run, applied) with
                {
                    Status = RunStatus.Applied,
                    Applied = applied.Totals,
                    Moves = [.. run.Moves.Select(m => m.Status == MoveStatus.Approved ? m with { Status = MoveStatus.Applied } : m)],
                },
                RunEventTypes.Applied,
                new RunAppliedData(run.OrgId, applied.Totals, run.DeterminismHash)),

            ApprovalReceived approval => Decide(run, approval),

            TimerFired timer when run.Status == RunStatus.AwaitingApproval && timer.DueAt == run.ApprovalDueAt && timer.At >= timer.DueAt
                => Conclude(run, timer.At, timedOut: true, []),

            CancelRequested cancel when run.IsCancellable => Finish(
                run with { Status = RunStatus.Cancelled, UpdatedAt = cancel.At },
                RunEventTypes.Cancelled,
                new RunCancelledData(run.OrgId, run.Status)).Then(new ConsumeInboxEvent(cancel.EventId)),

            CancelRequested cancel => Transition.Unchanged(run, new ConsumeInboxEvent(cancel.EventId)),

            ActivityFailed failed when IsExpected(run, failed.Step, failed.Cluster) => Fail(run, failed.At, new RunError(failed.Step, failed.Cluster, failed.Error, Poisoned: false)),

            StepPoisoned poisoned when IsExpected(run, poisoned.Step, poisoned.Cluster) => Fail(run, poisoned.At, new RunError(poisoned.Step, poisoned.Cluster, poisoned.Error, Poisoned: true)),

            // Stale timers, failures of steps already done, events of finished runs.
            _ => Transition.Unchanged(run),
        };
    }

    /// <summary>
    /// The work the run waits for, as commands: what its last transition issued. A worker re-issues them when a
    /// redelivered message finds its step done, in case the worker that committed died before sending them.
    /// </summary>
    public static IReadOnlyList<RunCommand> Outstanding(RunState run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.Status switch
        {
            RunStatus.AwaitingApproval => [new StartTimer(run.ApprovalDueAt!.Value), new DrainInbox()],
            RunStatus.Applying => [ApplyApproved(run)],
            _ when run.IsFinished => [new ReleaseOrg(run.OrgId)],
            _ => [.. Expected(run).Select(x => new RunActivity(x.Step, x.Cluster))],
        };
    }

    /// <summary>The activities the run waits for now (pass 2: every cluster not done yet).</summary>
    public static IReadOnlyList<(RunStep Step, string? Cluster)> Expected(RunState run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.Status switch
        {
            RunStatus.Pending => [(RunStep.LoadSnapshot, null)],
            RunStatus.Pass1 => [(RunStep.WarehousePush, null)],
            RunStatus.Pass2 when run.Clusters.All(c => run.IsDone(RunStep.StoreTransfersWithin, c)) => [(RunStep.StoreTransfersAcross, null)],
            RunStatus.Pass2 => [.. run.Clusters.Where(c => !run.IsDone(RunStep.StoreTransfersWithin, c)).Select(c => (RunStep.StoreTransfersWithin, (string?)c))],
            RunStatus.Pass3 when run.IsDone(RunStep.Consolidate, null) => [(RunStep.Propose, null)],
            RunStatus.Pass3 => [(RunStep.Consolidate, null)],
            RunStatus.Applying => [(RunStep.Apply, null)],
            _ => [],
        };
    }

    /// <summary>Whether the run is waiting for this activity (so a result for it advances the run).</summary>
    public static bool IsExpected(RunState run, RunStep step, string? cluster) =>
        Expected(run).Contains((step, cluster));

    private static IReadOnlyList<RunCommand> FanOut(IReadOnlyList<string> clusters) =>
        clusters.Count == 0
            ? [new RunActivity(RunStep.StoreTransfersAcross)]
            : [.. clusters.Select(c => new RunActivity(RunStep.StoreTransfersWithin, c))];

    /// <summary>The fan-in: the last cluster's result (whichever arrives last, once) starts the cross-cluster step.</summary>
    private static Transition Join(RunState run) =>
        run.Clusters.All(c => run.IsDone(RunStep.StoreTransfersWithin, c))
            ? new(run, [new RunActivity(RunStep.StoreTransfersAcross)])
            : new(run, []);

    private static Transition WaitForApproval(RunState run, PlanProposed plan)
    {
        var dueAt = plan.At + TimeSpan.FromHours(run.Context!.ApprovalTimeoutHours);
        var waiting = Next(run, plan) with
        {
            Status = RunStatus.AwaitingApproval,
            DeterminismHash = plan.DeterminismHash,
            Summary = plan.Summary,
            Moves = [.. plan.Moves.OrderBy(m => m.MoveId, StringComparer.Ordinal)],
            ProposedAt = plan.At,
            ApprovalDueAt = dueAt,
        };
        var commands = new List<RunCommand>();
        waiting = Emit(waiting, commands, RunEventTypes.PlanProposed, new PlanProposedData(run.OrgId, plan.DeterminismHash, plan.Summary, dueAt));
        foreach (var approver in run.Request.Approvers)
        {
            waiting = Emit(waiting, commands, RunEventTypes.ApprovalRequested, new ApprovalRequestedData(run.OrgId, approver.Id, approver.Email, approver.Elevated, dueAt));
        }

        commands.Add(new StartTimer(dueAt));
        commands.Add(new DrainInbox()); // approvals that arrived early are applied now
        return waiting.Moves.Count == 0 ? Conclude(waiting, plan.At, timedOut: false, commands) : new(waiting, commands);
    }

    /// <summary>One approver's decision on the moves in its scope that it may decide and nobody decided yet.</summary>
    private static Transition Decide(RunState run, ApprovalReceived approval)
    {
        var consume = new ConsumeInboxEvent(approval.EventId);
        if (run.DecisionEventIds.Contains(approval.EventId, StringComparer.Ordinal) || run.IsFinished || run.Status == RunStatus.Applying)
        {
            return Transition.Unchanged(run, consume); // a replay, or too late to matter
        }

        if (run.Status != RunStatus.AwaitingApproval)
        {
            return Transition.Unchanged(run); // too early: stays in the inbox until the run waits
        }

        var decision = approval.Decision;
        var elevated = decision.Elevated || run.Request.Approvers.Any(a => a.Elevated && string.Equals(a.Id, decision.ApproverId, StringComparison.Ordinal));
        var newStatus = decision.Decision == DecisionKind.Approve ? MoveStatus.Approved : MoveStatus.Rejected;
        var decided = 0;
        var moves = run.Moves.Select(m =>
        {
            if (m.Status != MoveStatus.Proposed || !decision.Scope.Covers(m) || (m.Elevated && !elevated))
            {
                return m;
            }

            decided++;
            return m with { Status = newStatus };
        }).ToList();

        var commands = new List<RunCommand>();
        var next = run with
        {
            Moves = moves,
            DecisionEventIds = [.. run.DecisionEventIds, approval.EventId],
            UpdatedAt = approval.At,
        };
        next = Emit(next, commands, RunEventTypes.DecisionRecorded, new DecisionRecordedData(run.OrgId, approval.EventId, decision.ApproverId, decision.Decision, elevated, decided));
        commands.Add(consume);
        return moves.Any(m => m.Status == MoveStatus.Proposed) ? new(next, commands) : Conclude(next, approval.At, timedOut: false, commands);
    }

    /// <summary>The wait is over: apply what was approved, or end Rejected/Expired.</summary>
    private static Transition Conclude(RunState run, DateTimeOffset at, bool timedOut, List<RunCommand> commands)
    {
        if (run.Moves.Count == 0 || run.Moves.Any(m => m.Status == MoveStatus.Approved))
        {
            var applying = run with { Status = RunStatus.Applying, DecidedAt = at, UpdatedAt = at };
            return new(applying, [.. commands, ApplyApproved(applying)]);
        }

        var rejected = run.Moves.Any(m => m.Status == MoveStatus.Rejected);
        var (status, type) = timedOut && !rejected ? (RunStatus.Expired, RunEventTypes.Expired) : (RunStatus.Rejected, RunEventTypes.Rejected);
        var ended = Finish(run with { Status = status, DecidedAt = at, UpdatedAt = at }, type, new RunEndedData(run.OrgId, status, timedOut));
        return new(ended.State, [.. commands, .. ended.Commands]);
    }

    private static Transition Fail(RunState run, DateTimeOffset at, RunError error) =>
        Finish(run with { Status = RunStatus.Failed, Error = error, UpdatedAt = at }, RunEventTypes.Failed, new RunFailedData(run.OrgId, error));

    /// <summary>A terminal state: say so, and free the org for its next run.</summary>
    private static Transition Finish(RunState run, string eventType, object data)
    {
        var commands = new List<RunCommand>();
        var finished = Emit(run, commands, eventType, data);
        commands.Add(new ReleaseOrg(run.OrgId));
        return new(finished, commands);
    }

    private static ApplyMoves ApplyApproved(RunState run) =>
        new([.. run.Moves.Where(m => m.Status == MoveStatus.Approved).Select(m => m.MoveId)]);

    /// <summary>Records a completed work item.</summary>
    private static RunState Next(RunState run, ActivityCompleted done) => run with
    {
        Done = [.. run.Done.Append(WorkKeys.For(done.Step, done.Cluster)).Order(StringComparer.Ordinal)],
        UpdatedAt = done.At,
    };

    private static RunState Emit(RunState run, List<RunCommand> commands, string type, object data)
    {
        var count = run.EventsEmitted + 1;
        commands.Add(new EmitEvent($"{run.RunId}:{count}", type, data));
        return run with { EventsEmitted = count };
    }

    private static Transition Then(this RunState run, params IReadOnlyList<RunCommand> commands) => new(run, commands);

    private static Transition Then(this Transition transition, params IReadOnlyList<RunCommand> commands) =>
        new(transition.State, [.. transition.Commands, .. commands]);
}
