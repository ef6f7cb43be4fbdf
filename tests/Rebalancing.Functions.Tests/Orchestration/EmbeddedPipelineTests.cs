using System.Text.Json;
using Rebalancing.Engine.Planning;
using Rebalancing.Engine.Policies;
using Rebalancing.Functions.Orchestration;
using Rebalancing.Functions.Storage;
using Rebalancing.Functions.Tests.Harness;
using Rebalancing.Functions.Tests.Orchestration.Support;
using Rebalancing.Functions.Tests.Storage.Contracts;
using Xunit.Abstractions;

namespace Rebalancing.Functions.Tests.Orchestration;

/// <summary>Crash, cancel, early-approval and concurrency scenarios on the embedded adapter (files + SQLite, a manual clock).</summary>
public sealed class EmbeddedPipelineTests(ITestOutputHelper output) : IDisposable
{
    private readonly EmbeddedDataDir dir = new();
    private readonly ManualTimeProvider time = new();
    private StorageServices? stores;

    private StorageServices Stores => stores ??= dir.Create(time);

    /// <summary>(fault point, message kind, step): every step's activity, and the approval's inbox message.</summary>
    public static TheoryData<string, string, string> CrashPoints()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var point in Enum.GetNames<WorkerFaultPoint>())
        {
            foreach (var step in Enum.GetNames<RunStep>())
            {
                data.Add(point, nameof(WorkKind.Activity), step);
            }

            if (point != nameof(WorkerFaultPoint.AfterSideEffect))
            {
                data.Add(point, nameof(WorkKind.Inbox), "approval");
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CrashPoints))]
    public async Task WorkerKilledAt_AnyPointOfAnyStep_RestartedWorkersCompleteTheRun_EveryLedgerEntryOnce(string point, string kind, string step)
    {
        var crash = new CrashOnce(Enum.Parse<WorkerFaultPoint>(point), Enum.Parse<WorkKind>(kind), Enum.TryParse<RunStep>(step, out var s) ? s : null);
        var pipeline = new Pipeline(Stores, time);
        var org = "org-crash";
        await pipeline.PutSnapshotAsync(org);
        var runId = await pipeline.StartAsync(org);

        await pipeline.DrainAsync(crash);
        await pipeline.ApproveAsync(runId, "e-1");
        await pipeline.DrainAsync(crash);

        Assert.True(crash.Crashed);
        var run = await pipeline.RunAsync(runId);
        Assert.Equal(RunStatus.Applied, run.Status);
        Assert.Equal(Planner.Create(Networks.Snapshot(1), Policy.Default).Hash, run.DeterminismHash);
        var orders = await Stores.Ledger.ListByRunAsync(org, runId, CancellationToken.None);
        Assert.Equal(run.Moves.Count, orders.Count);
        Assert.Equal(orders.Count, orders.Select(o => o.OrderId).Distinct().Count());
        Assert.Equal(orders.Count, (await Stores.Ledger.GetTotalsAsync(org, runId, CancellationToken.None))!.Moves);
        Assert.Single(pipeline.Events.Of(runId), e => e.Type == RunEventTypes.Applied);
        Assert.Null(await Stores.Runs.GetActiveRunAsync(org, CancellationToken.None));
        Assert.Null(await Stores.Queues.Get(WorkQueueLimits.PoisonQueueName(pipeline.QueueName)).ReceiveAsync(TimeSpan.FromSeconds(1), CancellationToken.None));
    }

    [Fact]
    public async Task WorkerDyingOnEveryDelivery_MessageParkedAsPoison_DrainingThePoisonQueueFailsTheRun()
    {
        var pipeline = new Pipeline(Stores, time);
        await pipeline.PutSnapshotAsync("org-dying");
        var runId = await pipeline.StartAsync("org-dying");
        var dies = new DiesAt(WorkerFaultPoint.AfterSideEffect, RunStep.WarehousePush);

        await pipeline.DrainAsync(dies);

        Assert.Equal(WorkQueueLimits.MaxDequeueCount, dies.Deaths);
        Assert.Equal(RunStatus.Pass1, (await pipeline.RunAsync(runId)).Status);
        Assert.Equal(1, await pipeline.Worker().DrainPoisonAsync(CancellationToken.None));
        var run = await pipeline.RunAsync(runId);
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.True(run.Error!.Poisoned);
        Assert.Equal(RunStep.WarehousePush, run.Error.Step);
        Assert.Contains(pipeline.Events.Of(runId), e => e.Type == RunEventTypes.Failed);
        Assert.Null(await Stores.Runs.GetActiveRunAsync("org-dying", CancellationToken.None));
    }

    [Fact]
    public async Task ApprovalRaisedDuringPass2_IsKept_AndAppliedWhenTheRunStartsWaiting()
    {
        var pipeline = new Pipeline(Stores, time);
        await pipeline.PutSnapshotAsync("org-early");
        var runId = await pipeline.StartAsync("org-early");
        await pipeline.StepUntilAsync(runId, r => r.Status == RunStatus.Pass2);

        Assert.Equal(RaiseEventOutcome.Accepted, (await pipeline.ApproveAsync(runId, "early-1")).Outcome);
        await pipeline.StepUntilAsync(runId, r => r.Done.Count >= 3); // the inbox message came and went, the decision kept
        Assert.Single(await Stores.Runs.ListUnconsumedInboxAsync(runId, CancellationToken.None));
        Assert.Equal(RunStatus.Pass2, (await pipeline.RunAsync(runId)).Status);

        await pipeline.DrainAsync();

        var run = await pipeline.RunAsync(runId);
        Assert.Equal(RunStatus.Applied, run.Status);
        Assert.Equal(["early-1"], run.DecisionEventIds);
        Assert.Equal(run.Moves.Count, (await Stores.Ledger.ListByRunAsync("org-early", runId, CancellationToken.None)).Count);
        Assert.Empty(await Stores.Runs.ListUnconsumedInboxAsync(runId, CancellationToken.None));
    }

    [Fact]
    public async Task CancelDuringFanOut_LateClusterResultsAreIgnored_NothingApplied_OrgFreed()
    {
        var pipeline = new Pipeline(Stores, time);
        await pipeline.PutSnapshotAsync("org-cancel");
        var runId = await pipeline.StartAsync("org-cancel");
        await pipeline.StepUntilAsync(runId, r => r.Status == RunStatus.Pass2);

        // One cluster finishes; the others are being worked on when the cancel comes.
        var worker = pipeline.Worker();
        Assert.True(await worker.RunOnceAsync(CancellationToken.None));
        var inFlight = new List<QueueMessage>();
        while (await pipeline.Queue.ReceiveAsync(Pipeline.Visibility, CancellationToken.None) is { } message)
        {
            inFlight.Add(message);
        }

        Assert.NotEmpty(inFlight);
        Assert.Equal(RaiseEventOutcome.Accepted, (await pipeline.Service.CancelAsync(runId, CancellationToken.None)).Outcome);
        await pipeline.DrainAsync();
        Assert.Equal(RunStatus.Cancelled, (await pipeline.RunAsync(runId)).Status);
        foreach (var late in inFlight)
        {
            await worker.HandleAsync(late, CancellationToken.None);
        }

        await pipeline.DrainAsync();
        var run = await pipeline.RunAsync(runId);
        Assert.Equal(RunStatus.Cancelled, run.Status);
        Assert.Single(run.Done, d => d.StartsWith(nameof(RunStep.StoreTransfersWithin), StringComparison.Ordinal));
        Assert.Empty(run.Moves);
        Assert.Empty(await Stores.Ledger.ListByRunAsync("org-cancel", runId, CancellationToken.None));
        Assert.Null(await pipeline.Activities.GetPlanAsync(runId, CancellationToken.None));
        Assert.Single(pipeline.Events.Of(runId), e => e.Type == RunEventTypes.Cancelled);
        Assert.Equal(RaiseEventOutcome.RunFinished, (await pipeline.Service.CancelAsync(runId, CancellationToken.None)).Outcome);
        Assert.Equal(StartRunOutcome.Created, (await pipeline.Service.StartRunAsync("org-cancel", new StartRunRequest(), CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task SecondStartForAnOrg_GetsTheActiveRunsId()
    {
        var pipeline = new Pipeline(Stores, time);
        await pipeline.PutSnapshotAsync("org-one");
        var first = await pipeline.Service.StartRunAsync("org-one", new StartRunRequest(), CancellationToken.None);
        var second = await pipeline.Service.StartRunAsync("org-one", new StartRunRequest(), CancellationToken.None);

        Assert.Equal(StartRunOutcome.Created, first.Outcome);
        Assert.Equal(StartRunOutcome.Existing, second.Outcome);
        Assert.Equal(first.RunId, second.RunId);
        Assert.Equal(StartRunOutcome.SnapshotNotFound, (await pipeline.Service.StartRunAsync("org-none", new StartRunRequest(), CancellationToken.None)).Outcome);
        Assert.Equal(StartRunOutcome.Invalid, (await pipeline.Service.StartRunAsync("org-one", new StartRunRequest(PolicyJson: "{\"cooldown_days\": -1}"), CancellationToken.None)).Outcome);
        Assert.Equal(RaiseEventOutcome.UnknownRun, (await pipeline.Service.CancelAsync("run-unknown", CancellationToken.None)).Outcome);
        Assert.Equal(RaiseEventOutcome.Invalid, (await pipeline.Service.RaiseEventAsync(first.RunId!, "approval", JsonSerializer.SerializeToElement(new { decision = "maybe" }), CancellationToken.None)).Outcome);
        Assert.Null(await pipeline.Service.GetRunAsync("run-unknown", CancellationToken.None));
    }

    [Fact]
    public async Task StarterDiedAfterClaimingBeforeCreating_NextStartCompletesThatRun()
    {
        var pipeline = new Pipeline(Stores, time);
        await pipeline.PutSnapshotAsync("org-ghost");
        await Stores.Runs.ClaimActiveRunAsync("org-ghost", "run-ghost", CancellationToken.None); // then the starter died

        var next = await pipeline.Service.StartRunAsync("org-ghost", new StartRunRequest(), CancellationToken.None);
        await pipeline.DrainAsync();

        Assert.Equal(StartRunOutcome.Existing, next.Outcome);
        Assert.Equal("run-ghost", next.RunId);
        Assert.Equal(RunStatus.AwaitingApproval, (await pipeline.RunAsync("run-ghost")).Status);
    }

    [Fact]
    public async Task WorkerDiedBeforeReleasingAFinishedRunsOrg_NextStartReleasesItAndStartsANewRun()
    {
        var pipeline = new Pipeline(Stores, time);
        await pipeline.PutSnapshotAsync("org-stuck");
        var first = await pipeline.StartAsync("org-stuck");
        await pipeline.Service.CancelAsync(first, CancellationToken.None);
        Assert.NotNull(await pipeline.Queue.ReceiveAsync(Pipeline.Visibility, CancellationToken.None)); // LoadSnapshot, held: only the cancel is handled
        var worker = pipeline.Worker(new CrashOnce(WorkerFaultPoint.AfterCommit, WorkKind.Inbox));
        await Assert.ThrowsAsync<WorkerCrashed>(async () =>
        {
            while (await pipeline.Queue.ReceiveAsync(Pipeline.Visibility, CancellationToken.None) is { } message)
            {
                await worker.HandleAsync(message, CancellationToken.None);
            }
        });
        Assert.Equal(RunStatus.Cancelled, (await pipeline.RunAsync(first)).Status);
        Assert.Equal(first, await Stores.Runs.GetActiveRunAsync("org-stuck", CancellationToken.None));

        var second = await pipeline.Service.StartRunAsync("org-stuck", new StartRunRequest(), CancellationToken.None);

        Assert.Equal(StartRunOutcome.Created, second.Outcome);
        Assert.NotEqual(first, second.RunId);
    }

    [Fact]
    public async Task SecondRunOfAnOrg_PlansWithTheFirstRunsAppliedMovesAsRecentMoves()
    {
        var pipeline = new Pipeline(Stores, time);
        await pipeline.PutSnapshotAsync("org-again");
        var first = await pipeline.StartAsync("org-again");
        await pipeline.DrainAsync();
        await pipeline.ApproveAsync(first, "e-1");
        await pipeline.DrainAsync();
        var applied = (await pipeline.RunAsync(first)).Moves.Count;

        var second = await pipeline.StartAsync("org-again");
        await pipeline.DrainAsync();

        var run = await pipeline.RunAsync(second);
        Assert.Equal(applied, run.Context!.LedgerRecentMoves);
        Assert.NotEqual((await pipeline.RunAsync(first)).DeterminismHash, run.DeterminismHash);
    }

    [Fact]
    public async Task SeveralWorkersInParallel_OnOneRun_ProduceTheCommandLinesPlan()
    {
        var pipeline = new Pipeline(Stores, time);
        await pipeline.PutSnapshotAsync("org-parallel");
        var runId = await pipeline.StartAsync("org-parallel");
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await pipeline.DrainInParallelAsync(4, [runId], r => r.Status == RunStatus.AwaitingApproval);
        await pipeline.ApproveAsync(runId, "e-1");
        await pipeline.DrainInParallelAsync(4, [runId], r => r.IsFinished);

        output.WriteLine($"4 workers, one run: Pending -> Applied in {clock.ElapsedMilliseconds} ms");
        var run = await pipeline.RunAsync(runId);
        Assert.Equal(RunStatus.Applied, run.Status);
        Assert.Equal(Planner.Create(Networks.Snapshot(1), Policy.Default).Hash, run.DeterminismHash);
        Assert.Equal(run.Moves.Count, (await Stores.Ledger.ListByRunAsync("org-parallel", runId, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task SeveralWorkersInParallel_OnSeveralOrgsRuns_EachRunEndsWithItsOwnPlan()
    {
        var pipeline = new Pipeline(Stores, time);
        var orgs = Enumerable.Range(1, 4).Select(i => $"org-{i}").ToList();
        var runs = new List<string>();
        foreach (var (org, seed) in orgs.Select((o, i) => (o, i + 1)))
        {
            await pipeline.PutSnapshotAsync(org, seed);
            runs.Add(await pipeline.StartAsync(org));
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await pipeline.DrainInParallelAsync(4, runs, r => r.Status == RunStatus.AwaitingApproval);
        foreach (var runId in runs)
        {
            await pipeline.ApproveAsync(runId, "e-1");
        }

        await pipeline.DrainInParallelAsync(4, runs, r => r.IsFinished);
        output.WriteLine($"4 workers, {runs.Count} runs: Pending -> Applied in {clock.ElapsedMilliseconds} ms");

        for (var i = 0; i < runs.Count; i++)
        {
            var run = await pipeline.RunAsync(runs[i]);
            Assert.Equal(RunStatus.Applied, run.Status);
            Assert.Equal(Planner.Create(Networks.Snapshot(i + 1), Policy.Default).Hash, run.DeterminismHash);
            Assert.Equal(run.Moves.Count, (await Stores.Ledger.ListByRunAsync(orgs[i], runs[i], CancellationToken.None)).Count);
        }
    }

    [Fact]
    public async Task TimerLongerThanTheQueuesLongestDelay_IsChained_AndExpiresTheRunOnTime()
    {
        var pipeline = new Pipeline(Stores, time);
        await pipeline.PutSnapshotAsync("org-slow");
        var runId = await pipeline.StartAsync("org-slow", new StartRunRequest(PolicyJson: "{\"approval\": {\"timeout_hours\": 400}}"));
        await pipeline.DrainAsync();
        var due = (await pipeline.RunAsync(runId)).ApprovalDueAt!.Value;

        time.Advance(WorkQueueLimits.MaxVisibilityDelay);
        await pipeline.DrainAsync(); // the first link wakes early and re-sends itself
        Assert.Equal(RunStatus.AwaitingApproval, (await pipeline.RunAsync(runId)).Status);
        time.Advance(WorkQueueLimits.MaxVisibilityDelay);
        await pipeline.DrainAsync();
        Assert.Equal(RunStatus.AwaitingApproval, (await pipeline.RunAsync(runId)).Status);
        time.Advance(due - time.GetUtcNow());
        await pipeline.DrainAsync();

        var run = await pipeline.RunAsync(runId);
        Assert.Equal(RunStatus.Expired, run.Status);
        Assert.Equal(due, run.DecidedAt);
        Assert.Empty(await Stores.Ledger.ListByRunAsync("org-slow", runId, CancellationToken.None));
    }

    [Fact]
    public async Task PartialApproval_ByANonElevatedApprover_AppliesOnlyItsStandardMovesInScope_AtTheTimeout()
    {
        var pipeline = new Pipeline(Stores, time);
        await pipeline.PutSnapshotAsync("org-partial");
        var runId = await pipeline.StartAsync("org-partial", new StartRunRequest(PolicyJson: "{\"approval\": {\"elevated_value\": 1500, \"elevated_share_of_source\": 1}}"));
        await pipeline.DrainAsync();
        var waiting = await pipeline.RunAsync(runId);
        var cluster = waiting.Clusters[0];
        var inCluster = waiting.Moves.Where(m => m.FromCluster == cluster || m.ToCluster == cluster).ToList();
        output.WriteLine($"{inCluster.Count(m => m.Elevated)} elevated and {inCluster.Count(m => !m.Elevated)} standard moves in {cluster}, {waiting.Moves.Count} in all");
        Assert.Contains(inCluster, m => m.Elevated);
        Assert.Contains(inCluster, m => !m.Elevated);

        await pipeline.ApproveAsync(runId, "e-1", approver: "clerk", elevated: false, scope: new ApprovalScope([cluster], null, null));
        await pipeline.DrainAsync();
        time.Advance(waiting.ApprovalDueAt!.Value - time.GetUtcNow());
        await pipeline.DrainAsync();

        var run = await pipeline.RunAsync(runId);
        var expected = waiting.Moves.Where(m => !m.Elevated && (m.FromCluster == cluster || m.ToCluster == cluster)).Select(m => m.MoveId).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(RunStatus.Applied, run.Status);
        Assert.NotEmpty(expected);
        Assert.Equal(expected, run.Moves.Where(m => m.Status == MoveStatus.Applied).Select(m => m.MoveId));
        Assert.Equal(expected, (await Stores.Ledger.ListByRunAsync("org-partial", runId, CancellationToken.None)).Select(o => o.MoveId).Order(StringComparer.Ordinal));
    }

    public void Dispose() => dir.Dispose();
}
