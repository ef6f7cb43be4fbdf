using Microsoft.DurableTask.Client;
using Rebalancing.Functions.Rebalances;

namespace Rebalancing.Functions.Tests.Orchestration;

/// <summary>
/// The rebalance orchestration on the real Durable Task runtime (in-process test host) with the app's own
/// orchestrator, activities and stores: what a run does from start to end, and what events, failures, cancels and
/// timeouts do to it.
/// </summary>
public sealed class RebalanceOrchestratorTests
{
    private static readonly Approver Ann = new("ann", "ann@example.com", Elevated: true);

    [Fact]
    public async Task Run_FansOutPerCluster_ProposesThePlanTheCommandLineMakes()
    {
        await using var harness = await DurableHarness.StartAsync();
        var snapshotId = await harness.UploadAsync("acme");
        var runId = await harness.StartAsync("acme", new StartRunRequest(Approvers: [Ann]));

        var run = await harness.WaitUntilAwaitingAsync(runId);

        Assert.Equal(RunStatus.AwaitingApproval, run.Status);
        Assert.Equal(3, run.Clusters.Count);
        Assert.All(run.Clusters, c => Assert.Equal("done", c.Status));
        Assert.Equal(await harness.CommandLineHashAsync("acme", snapshotId), run.DeterminismHash);
        for (var cluster = 0; cluster < run.Clusters.Count; cluster++)
        {
            // one pass-2 step per cluster, each with its own stored result
            Assert.NotNull(await harness.Stores.RunFiles.GetAsync(RunFiles.StageBlob(runId, nameof(RebalanceActivities.StoreTransfersWithin), cluster), CancellationToken.None));
        }

        Assert.True(run.Summary!.Moves > 0);
        Assert.Equal(run.Summary.Moves, (await harness.MovesAsync(runId)).Count);
    }

    [Fact]
    public async Task Run_WithAPolicy_PlansWithThatPolicy()
    {
        await using var harness = await DurableHarness.StartAsync();
        var snapshotId = await harness.UploadAsync("acme");
        const string policy = """{"pass2": {"min_transfer_units": 4}, "pass3": {"enabled": false}}""";
        var runId = await harness.StartAsync("acme", new StartRunRequest(PolicyJson: policy, Approvers: [Ann]));

        var run = await harness.WaitUntilAwaitingAsync(runId);

        Assert.Equal(await harness.CommandLineHashAsync("acme", snapshotId, policy), run.DeterminismHash);
        Assert.NotEqual(await harness.CommandLineHashAsync("acme", snapshotId), run.DeterminismHash);
    }

    [Fact]
    public async Task Proposal_WithMovesPastAnApprovalGuardrail_EmitsTheGuardrailEventOnceWithStableIds()
    {
        await using var harness = await DurableHarness.StartAsync();
        await harness.UploadAsync("acme");
        var runId = await harness.StartAsync("acme", new StartRunRequest(PolicyJson: """{"approval": {"elevated_value": 0}}""", Approvers: [Ann]));

        var run = await harness.WaitUntilAwaitingAsync(runId);

        var events = new List<System.Text.Json.JsonElement>();
        var queue = harness.Stores.Queues.Get(Rebalancing.Functions.Storage.QueueNames.Events);
        while (await queue.ReceiveAsync(TimeSpan.FromMinutes(1), CancellationToken.None) is { } message)
        {
            events.Add(System.Text.Json.JsonDocument.Parse(message.Text).RootElement.Clone());
            await queue.DeleteAsync(message.MessageId, message.PopReceipt, CancellationToken.None);
        }

        var ids = events.Select(e => e.GetProperty("id").GetString()).ToList();
        Assert.Contains($"{runId}:plan-proposed", ids);
        Assert.Contains($"{runId}:approval-requested:ann", ids);
        var guardrail = Assert.Single(events, e => e.GetProperty("type").GetString() == RunEventTypes.GuardrailBreached);
        Assert.Equal($"{runId}:guardrail-breached:elevated-approval", guardrail.GetProperty("id").GetString());
        Assert.Equal(run.Summary!.Moves, run.Summary.ElevatedMoves); // an elevated value of 0: every move is elevated
        Assert.Equal(run.Summary.Moves, guardrail.GetProperty("data").GetProperty("moves").GetInt32());
    }

    [Fact]
    public async Task Approval_RaisedBeforeTheRunWaits_IsKeptAndApplied()
    {
        await using var harness = await DurableHarness.StartAsync();
        await harness.UploadAsync("acme");
        var runId = await harness.StartAsync("acme", new StartRunRequest(Approvers: [Ann]));

        // Raised while the run is still planning: the runtime keeps it until the run waits for it.
        Assert.Equal(RaiseEventOutcome.Accepted, (await harness.DecideAsync(runId, "early", DecisionKind.Approve)).Outcome);
        var run = await harness.WaitUntilFinishedAsync(runId);

        Assert.Equal(RunStatus.Applied, run.Status);
        var ledger = await harness.LedgerAsync("acme", runId);
        Assert.Equal(run.Summary!.Moves, ledger.Count);
        Assert.Equal(run.Summary.Moves, run.Applied!.Moves);
    }

    [Fact]
    public async Task PartialApprovals_AccumulateUntilEveryMoveIsDecided()
    {
        await using var harness = await DurableHarness.StartAsync();
        await harness.UploadAsync("acme");
        var runId = await harness.StartAsync("acme", new StartRunRequest(Approvers: [Ann]));
        var run = await harness.WaitUntilAwaitingAsync(runId);
        var moves = await harness.MovesAsync(runId);
        var first = moves.Select(m => m.ToCluster).Distinct().Order(StringComparer.Ordinal).First();

        await harness.DecideAsync(runId, "first", DecisionKind.Approve, new ApprovalScope([first], null, null));
        await Task.Delay(1500);
        Assert.Equal(RunStatus.AwaitingApproval, (await harness.Runs.GetAsync(harness.Client, runId, CancellationToken.None))!.Status);

        await harness.DecideAsync(runId, "rest", DecisionKind.Reject);
        run = await harness.WaitUntilFinishedAsync(runId);

        Assert.Equal(RunStatus.Applied, run.Status);
        var approved = moves.Where(m => m.FromCluster == first || m.ToCluster == first).Select(m => m.MoveId).Order(StringComparer.Ordinal);
        Assert.Equal(approved, (await harness.LedgerAsync("acme", runId)).Select(o => o.MoveId).Order(StringComparer.Ordinal));
        Assert.True(approved.Count() < moves.Count);
    }

    [Theory]
    [InlineData("0.0005")]
    [InlineData("0")]
    public async Task NoDecision_WhenTheApprovalWindowCloses_ExpiresAndAppliesNothing(string timeoutHours)
    {
        await using var harness = await DurableHarness.StartAsync();
        await harness.UploadAsync("acme");
        var runId = await harness.StartAsync("acme", new StartRunRequest(PolicyJson: $$$"""{"approval": {"timeout_hours": {{{timeoutHours}}}}}""", Approvers: [Ann]));

        var run = await harness.WaitUntilFinishedAsync(runId);

        Assert.Equal(RunStatus.Expired, run.Status);
        Assert.Empty(await harness.LedgerAsync("acme", runId));
        Assert.Null(await harness.Stores.Runs.GetActiveRunAsync("acme", CancellationToken.None)); // the org is free again
    }

    [Fact]
    public async Task Cancel_DuringTheFanOut_CancelsAndIgnoresLateResults()
    {
        var release = new TaskCompletionSource();
        await using var harness = await DurableHarness.StartAsync(inner => new FaultyContainer(inner, async path =>
        {
            if (path.Contains("/stages/StoreTransfersWithin-0", StringComparison.Ordinal))
            {
                await release.Task; // cluster 0's result is held back until after the cancel
            }
        }));
        await harness.UploadAsync("acme");
        var runId = await harness.StartAsync("acme", new StartRunRequest(Approvers: [Ann]));
        await harness.WaitForAsync(runId, s => s == RunStatus.Pass2);

        Assert.Equal(RaiseEventOutcome.Accepted, (await harness.Runs.CancelAsync(harness.Client, runId, CancellationToken.None)).Outcome);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while ((await harness.Runs.GetAsync(harness.Client, runId, CancellationToken.None))!.Status != RunStatus.Cancelled)
        {
            Assert.True(DateTime.UtcNow < deadline, "the run was not cancelled");
            await Task.Delay(100);
        }

        release.SetResult(); // cluster 0's result arrives after the run ended
        var run = await harness.WaitUntilFinishedAsync(runId);
        await Task.Delay(1000);

        Assert.Equal(RunStatus.Cancelled, run.Status);
        Assert.Equal(RunStatus.Cancelled, (await harness.Runs.GetAsync(harness.Client, runId, CancellationToken.None))!.Status);
        Assert.Null(await harness.Get<RunFiles>().GetPlanAsync(runId, CancellationToken.None));
        Assert.Equal(RaiseEventOutcome.RunFinished, (await harness.Runs.CancelAsync(harness.Client, runId, CancellationToken.None)).Outcome);
        Assert.NotEqual(runId, await harness.StartAsync("acme")); // the org is free for a new run
    }

    [Fact]
    public async Task FailingActivity_FailsTheRunWithItsStepClusterAndError()
    {
        await using var harness = await DurableHarness.StartAsync(inner => new FaultyContainer(inner, path =>
            path.Contains("/stages/StoreTransfersWithin-1", StringComparison.Ordinal)
                ? throw new RunInputException("cluster 1 cannot be planned")
                : Task.CompletedTask));
        await harness.UploadAsync("acme");
        var runId = await harness.StartAsync("acme");

        var run = await harness.WaitUntilFinishedAsync(runId);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(nameof(RebalanceActivities.StoreTransfersWithin), run.Error!.Step);
        Assert.Equal(run.Clusters[1].Cluster, run.Error.Cluster);
        Assert.Contains("cluster 1 cannot be planned", run.Error.Message, StringComparison.Ordinal);
        Assert.Equal("failed", run.Clusters[1].Status);
        Assert.Null(await harness.Stores.Runs.GetActiveRunAsync("acme", CancellationToken.None));
    }

    [Fact]
    public async Task TransientFault_IsRetried_AndTheRunGoesOn()
    {
        var failures = 0;
        await using var harness = await DurableHarness.StartAsync(inner => new FaultyContainer(inner, path =>
            path.EndsWith("/stages/WarehousePush.json", StringComparison.Ordinal) && Interlocked.Increment(ref failures) <= 1
                ? throw new IOException("the store did not answer")
                : Task.CompletedTask));
        await harness.UploadAsync("acme");
        var runId = await harness.StartAsync("acme", new StartRunRequest(Approvers: [Ann]));

        var run = await harness.WaitUntilAwaitingAsync(runId);

        Assert.Equal(RunStatus.AwaitingApproval, run.Status);
        Assert.Equal(2, failures);
    }

    [Fact]
    public async Task MissingSnapshot_FailsTheRunAtTheLoadStep()
    {
        await using var harness = await DurableHarness.StartAsync();
        await harness.UploadAsync("acme");
        var runId = "run-missing";
        await harness.Stores.Runs.ClaimActiveRunAsync("acme", runId, CancellationToken.None);
        var input = new RunInput(runId, "acme", "no-such-snapshot", null, []);
        var now = DateTimeOffset.UtcNow;
        await harness.Stores.Runs.CreateAsync(new RunRecord(runId, "acme", RunStatus.Pending, input, now, now).ToDocument(), CancellationToken.None);
        await harness.Client.ScheduleNewOrchestrationInstanceAsync(nameof(RebalanceOrchestrator), input, new Microsoft.DurableTask.StartOrchestrationOptions(runId));

        var run = await harness.WaitUntilFinishedAsync(runId);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(nameof(RebalanceActivities.LoadSnapshot), run.Error!.Step);
        Assert.Contains("no-such-snapshot", run.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DuplicateApprovalEvents_ChangeNothing()
    {
        await using var harness = await DurableHarness.StartAsync();
        await harness.UploadAsync("acme");
        var runId = await harness.StartAsync("acme", new StartRunRequest(Approvers: [Ann]));
        await harness.WaitUntilAwaitingAsync(runId);
        var moves = await harness.MovesAsync(runId);
        var first = moves.Select(m => m.ToCluster).Distinct().Order(StringComparer.Ordinal).First();
        var scope = new ApprovalScope([first], null, null);

        await harness.DecideAsync(runId, "same", DecisionKind.Approve, scope);
        await WaitForDecisionsAsync(harness, runId, 1);
        var again = await harness.DecideAsync(runId, "same", DecisionKind.Reject); // the same event id, even with another body
        // and raised behind the service's back, straight to the runtime: the orchestration drops it too
        await harness.Client.RaiseEventAsync(runId, RebalanceOrchestrator.ApprovalEvent, new ApprovalDecision("same", "ann", DecisionKind.Reject, ApprovalScope.All, true));
        await Task.Delay(1500);

        Assert.Equal(RaiseEventOutcome.Duplicate, again.Outcome);
        var book = await Decisions.ReadAsync(harness.Stores.Runs, runId, CancellationToken.None);
        Assert.Single(book.All);
        Assert.Equal(RunStatus.AwaitingApproval, (await harness.Runs.GetAsync(harness.Client, runId, CancellationToken.None))!.Status);
        Assert.Equal(moves.Count(m => m.FromCluster != first && m.ToCluster != first), book.Tally(moves).Undecided);
    }

    [Fact]
    public async Task ADecisionReplayedWhileTheMovesAreApplied_IsAcceptedAndChangesNothing_AndANewOneIsRefused()
    {
        var holdApply = false;
        var release = new TaskCompletionSource();
        await using var harness = await DurableHarness.StartAsync(inner => new FaultyContainer(inner, beforeRead: async path =>
        {
            if (Volatile.Read(ref holdApply) && path.Contains("/plan/moves-", StringComparison.Ordinal))
            {
                await release.Task; // the apply activity reads the plan's pages once the run is Applying
            }
        }));
        await harness.UploadAsync("acme");
        var runId = await harness.StartAsync("acme", new StartRunRequest(Approvers: [Ann]));
        await harness.WaitUntilAwaitingAsync(runId);
        Volatile.Write(ref holdApply, true);
        Assert.Equal(RaiseEventOutcome.Accepted, (await harness.DecideAsync(runId, "approve-all", DecisionKind.Approve)).Outcome);
        await harness.WaitForAsync(runId, s => s == RunStatus.Applying);

        var replayed = await harness.DecideAsync(runId, "approve-all", DecisionKind.Approve);
        var late = await harness.DecideAsync(runId, "too-late", DecisionKind.Reject);
        release.SetResult();
        var run = await harness.WaitUntilFinishedAsync(runId);

        Assert.Equal(RaiseEventOutcome.Duplicate, replayed.Outcome);
        Assert.Equal(RaiseEventOutcome.RunFinished, late.Outcome);
        Assert.Equal(RunStatus.Applied, run.Status);
        Assert.Single((await Decisions.ReadAsync(harness.Stores.Runs, runId, CancellationToken.None)).All);
    }

    [Fact]
    public async Task ApprovalAndTimeoutTogether_EndTheRunOnce()
    {
        await using var harness = await DurableHarness.StartAsync();
        await harness.UploadAsync("acme");
        var runId = await harness.StartAsync("acme", new StartRunRequest(PolicyJson: """{"approval": {"timeout_hours": 0.0008}}""", Approvers: [Ann]));
        var proposed = await harness.WaitUntilAwaitingAsync(runId);
        var due = proposed.Record.ApprovalDueAt ?? (await harness.Runs.GetRecordAsync(runId, CancellationToken.None))!.ApprovalDueAt!.Value;
        var wait = due - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }

        await harness.DecideAsync(runId, "late", DecisionKind.Approve);
        var run = await harness.WaitUntilFinishedAsync(runId);
        await Task.Delay(1000);

        // Exactly one outcome, and what was recorded agrees with it.
        var ledger = await harness.LedgerAsync("acme", runId);
        Assert.True(run.Status is RunStatus.Applied or RunStatus.Expired, run.Status.ToString());
        Assert.Equal(run.Status == RunStatus.Applied ? proposed.Summary!.Moves : 0, ledger.Count);
        Assert.Equal(run.Status, (await harness.Runs.GetAsync(harness.Client, runId, CancellationToken.None))!.Status);
        Assert.Equal(ledger.Count, ledger.Select(o => o.MoveId).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task SecondStart_ForAnOrgWithAnActiveRun_AnswersTheActiveRun()
    {
        await using var harness = await DurableHarness.StartAsync();
        await harness.UploadAsync("acme");
        var starts = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => harness.Runs.StartAsync(harness.Client, "acme", new StartRunRequest(), CancellationToken.None)));

        var created = Assert.Single(starts, s => s.Outcome == StartRunOutcome.Created);
        Assert.All(starts.Where(s => s != created), s =>
        {
            Assert.Equal(StartRunOutcome.Existing, s.Outcome);
            Assert.Equal(created.RunId, s.RunId);
        });
    }

    private static async Task WaitForDecisionsAsync(DurableHarness harness, string runId, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((await Decisions.ReadAsync(harness.Stores.Runs, runId, CancellationToken.None)).All.Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, "the decision was not recorded");
            await Task.Delay(100);
        }
    }
}
