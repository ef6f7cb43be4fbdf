using Rebalancing.Engine.Planning;
using Rebalancing.Engine.Policies;
using Rebalancing.Functions.Orchestration;
using Rebalancing.Functions.Storage;
using Rebalancing.Functions.Tests.Orchestration.Support;
using Rebalancing.Functions.Tests.Storage.Contracts;
using Xunit.Abstractions;

namespace Rebalancing.Functions.Tests.Orchestration;

/// <summary>The key orchestration scenarios, run against every adapter (embedded, and the emulators).</summary>
public abstract class OrchestrationContract(ITestOutputHelper output) : StorageContract
{
    protected ITestOutputHelper Output { get; } = output;

    /// <summary>How many approval/timeout races to run.</summary>
    protected abstract int Races { get; }

    /// <summary>The workers' visibility timeout: how long a killed worker's message stays hidden.</summary>
    protected abstract TimeSpan Visibility { get; }

    internal Pipeline NewPipeline(IWorkQueueFactory? queues = null) => new(Services, Time, queues, Visibility, LetTimePassAsync);

    [Theory]
    [InlineData(nameof(WorkerFaultPoint.AfterCommit), nameof(WorkKind.Activity), nameof(RunStep.WarehousePush))]
    [InlineData(nameof(WorkerFaultPoint.AfterSideEffect), nameof(WorkKind.Activity), nameof(RunStep.Apply))]
    [InlineData(nameof(WorkerFaultPoint.BeforeDelete), nameof(WorkKind.Inbox), "approval")]
    public async Task WorkerKilled_AfterTheFanOutCommitOrTheLedgerWriteOrBeforeDeletingTheApproval_RunCompletesWithEachLedgerEntryOnce(string point, string kind, string step)
    {
        var pipeline = NewPipeline();
        var org = NewId("org");
        await pipeline.PutSnapshotAsync(org);
        var runId = await pipeline.StartAsync(org);
        var crash = new CrashOnce(Enum.Parse<WorkerFaultPoint>(point), Enum.Parse<WorkKind>(kind), Enum.TryParse<RunStep>(step, out var s) ? s : null);

        await pipeline.DrainAsync(crash);
        await pipeline.ApproveAsync(runId, "e-1");
        await pipeline.DrainAsync(crash);

        Assert.True(crash.Crashed);
        var run = await pipeline.RunAsync(runId);
        Assert.Equal(RunStatus.Applied, run.Status);
        var orders = await pipeline.Stores.Ledger.ListByRunAsync(org, runId, Ct);
        Assert.Equal(run.Moves.Count, orders.Count);
        Assert.Equal(orders.Count, orders.Select(o => o.OrderId).Distinct().Count());
        Assert.Single(pipeline.Events.Of(runId), e => e.Type == RunEventTypes.Applied);
    }

    [Fact]
    public async Task Run_DrivenOnlyThroughThePorts_GoesFromPendingToAppliedWithItsFanOut()
    {
        var pipeline = NewPipeline();
        var org = NewId("org");
        await pipeline.PutSnapshotAsync(org);
        var runId = await pipeline.StartAsync(org);
        Assert.Equal(RunStatus.Pending, (await pipeline.RunAsync(runId)).Status);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await pipeline.DrainAsync();
        var waiting = await pipeline.RunAsync(runId);
        Output.WriteLine($"{GetType().Name}: Pending -> AwaitingApproval in {clock.ElapsedMilliseconds} ms ({waiting.Clusters.Count} clusters, {waiting.Moves.Count} moves)");
        Assert.Equal(RunStatus.AwaitingApproval, waiting.Status);
        Assert.All(waiting.Clusters, c => Assert.True(waiting.IsDone(RunStep.StoreTransfersWithin, c)));
        Assert.True(waiting.Clusters.Count > 1);
        Assert.NotEmpty(waiting.Moves);
        Assert.Equal(Time.GetUtcNow().AddHours(PolicyDefaults.ApprovalTimeoutHours), waiting.ApprovalDueAt);
        Assert.Contains(pipeline.Events.Of(runId), e => e.Type == RunEventTypes.PlanProposed);
        Assert.Contains(pipeline.Events.Of(runId), e => e.Type == RunEventTypes.ApprovalRequested);

        Assert.Equal(RaiseEventOutcome.Accepted, (await pipeline.ApproveAsync(runId, "e-1")).Outcome);
        await pipeline.DrainAsync();

        var applied = await pipeline.RunAsync(runId);
        Assert.Equal(RunStatus.Applied, applied.Status);
        Assert.All(applied.Moves, m => Assert.Equal(MoveStatus.Applied, m.Status));
        var orders = await pipeline.Stores.Ledger.ListByRunAsync(org, runId, Ct);
        Assert.Equal(applied.Moves.Select(m => m.MoveId).Order(StringComparer.Ordinal), orders.Select(o => o.MoveId).Order(StringComparer.Ordinal));
        Assert.All(orders, o => Assert.Equal(applied.Context!.SnapshotContentHash, o.SnapshotContentHash));
        var totals = await pipeline.Stores.Ledger.GetTotalsAsync(org, runId, Ct);
        Assert.Equal(orders.Count, totals!.Moves);
        Assert.Equal(orders.Sum(o => o.Units), totals.Units);
        Assert.Null(await pipeline.Stores.Runs.GetActiveRunAsync(org, Ct));
        Assert.Contains(pipeline.Events.Of(runId), e => e.Type == RunEventTypes.Applied);
        Assert.Equal(RaiseEventOutcome.RunFinished, (await pipeline.ApproveAsync(runId, "e-2")).Outcome);
    }

    [Fact]
    public async Task Run_RecordsItsAsOfContext_AndItsPlanHashEqualsPlannerCreate()
    {
        var pipeline = NewPipeline();
        var org = NewId("org");
        var snapshotId = await pipeline.PutSnapshotAsync(org, seed: 2);
        var runId = await pipeline.StartAsync(org);
        await pipeline.DrainAsync();

        var run = await pipeline.RunAsync(runId);
        var expected = Planner.Create(Networks.Snapshot(2), Policy.Default);
        Assert.Equal(expected.Hash, run.DeterminismHash);
        Assert.Equal(snapshotId, run.Context!.SnapshotId);
        Assert.Equal(snapshotId, run.Context.SnapshotContentHash); // content-addressed
        Assert.Equal(Policy.Default.ToCanonicalJson(), run.Context.PolicyJson);
        Assert.Equal(Rebalancing.Engine.Plans.EngineInfo.Version, run.Context.EngineVersion);
        var moves = await pipeline.Service.ListMovesAsync(runId, Ct);
        Assert.Equal(expected.Moves.Select(m => m.MoveId), moves!.Select(m => m.Move.MoveId));
        Assert.All(moves!, m => Assert.Equal(MoveStatus.Proposed, m.Status));
    }

    [Fact]
    public async Task EveryMessageDeliveredTwoOrThreeTimesInShuffledOrder_EndsLikeACleanRun()
    {
        var clean = NewPipeline();
        var cleanOrg = NewId("org");
        await clean.PutSnapshotAsync(cleanOrg);
        var cleanRun = await clean.StartAsync(cleanOrg);
        await clean.DrainAsync();
        await clean.ApproveAsync(cleanRun, "e-1");
        await clean.DrainAsync();

        var noisy = NewPipeline(new DuplicatingQueues(Services.Queues, seed: 7));
        var noisyOrg = NewId("org");
        await noisy.PutSnapshotAsync(noisyOrg);
        var noisyRun = await noisy.StartAsync(noisyOrg);
        await noisy.DrainShuffledAsync(seed: 7);
        Assert.Equal(RunStatus.AwaitingApproval, (await noisy.RunAsync(noisyRun)).Status);
        await noisy.ApproveAsync(noisyRun, "e-1");
        await noisy.ApproveAsync(noisyRun, "e-1"); // the same decision again
        await noisy.DrainShuffledAsync(seed: 8);

        Assert.Equal(RunStatus.Applied, (await clean.RunAsync(cleanRun)).Status);
        Assert.Equal(await clean.OutcomeAsync(cleanRun), await noisy.OutcomeAsync(noisyRun));
        Assert.Equal(
            clean.Events.Of(cleanRun).Select(e => e.Type),
            noisy.Events.Of(noisyRun).Select(e => e.Type));
    }

    [Fact]
    public async Task ApprovalAndTimeoutRacing_EndInExactlyOneOutcomeEachTime()
    {
        var outcomes = new List<RunStatus>();
        for (var race = 0; race < Races; race++)
        {
            var pipeline = NewPipeline();
            var org = NewId("org");
            await pipeline.PutSnapshotAsync(org);
            var runId = await pipeline.StartAsync(org);
            await pipeline.DrainAsync();
            var waiting = await pipeline.RunAsync(runId);
            Assert.Equal(RunStatus.AwaitingApproval, waiting.Status);

            // The deadline passes; the timer's message and an approval arrive together, for two workers.
            Time.Advance(waiting.ApprovalDueAt!.Value - Time.GetUtcNow());
            await new RunCommandExecutor(pipeline.Stores, Time, pipeline.QueueName).EnqueueAsync(WorkItem.Timer(runId, waiting.ApprovalDueAt.Value), TimeSpan.Zero, Ct);
            await pipeline.ApproveAsync(runId, "e-1");
            var visible = new List<QueueMessage>();
            while (await pipeline.Queue.ReceiveAsync(Pipeline.Visibility, Ct) is { } message)
            {
                visible.Add(message);
            }

            var timer = visible.First(m => WorkItem.Parse(m.Text)!.Kind == WorkKind.Timer);
            var approval = visible.First(m => WorkItem.Parse(m.Text)!.Kind == WorkKind.Inbox);
            await RaceAsync(2, async i =>
            {
                await pipeline.Worker().HandleAsync(i % 2 == race % 2 ? timer : approval, Ct);
                return true;
            });
            foreach (var rest in visible.Except([timer, approval]))
            {
                await pipeline.Worker().HandleAsync(rest, Ct);
            }

            await pipeline.DrainAsync();

            var run = await pipeline.RunAsync(runId);
            var orders = await pipeline.Stores.Ledger.ListByRunAsync(org, runId, Ct);
            var events = pipeline.Events.Of(runId).Select(e => e.Type).ToList();
            Assert.Contains(run.Status, new[] { RunStatus.Applied, RunStatus.Expired });
            if (run.Status == RunStatus.Applied)
            {
                Assert.Equal(run.Moves.Count, orders.Count);
                Assert.DoesNotContain(RunEventTypes.Expired, events);
            }
            else
            {
                Assert.Empty(orders);
                Assert.DoesNotContain(RunEventTypes.Applied, events);
            }

            Assert.Single(events, e => e is RunEventTypes.Applied or RunEventTypes.Expired);
            Assert.Null(await pipeline.Stores.Runs.GetActiveRunAsync(org, Ct));
            outcomes.Add(run.Status);
        }

        Output.WriteLine($"{GetType().Name}: {Races} races: {outcomes.Count(s => s == RunStatus.Applied)} applied, {outcomes.Count(s => s == RunStatus.Expired)} expired");
    }

    [Fact]
    public async Task StepThatAlwaysThrows_IsPoisonedAfterFiveDeliveries_RunFailed_OtherRunsUnaffected()
    {
        var pipeline = NewPipeline();
        var (broken, healthy) = (NewId("org"), NewId("org"));
        await pipeline.PutSnapshotAsync(broken);
        await pipeline.PutSnapshotAsync(healthy);
        var brokenRun = await pipeline.StartAsync(broken);
        var healthyRun = await pipeline.StartAsync(healthy);
        var activities = new ThrowingStep(pipeline.Activities, RunStep.Consolidate, broken);

        await pipeline.DrainAsync(activities: activities);

        var failed = await pipeline.RunAsync(brokenRun);
        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Equal(WorkQueueLimits.MaxDequeueCount, activities.Attempts);
        Assert.Equal(new RunError(RunStep.Consolidate, null, "InvalidOperationException: Consolidate is broken", Poisoned: true), failed.Error);
        Assert.Contains(pipeline.Events.Of(brokenRun), e => e.Type == RunEventTypes.Failed);
        Assert.Null(await pipeline.Stores.Runs.GetActiveRunAsync(broken, Ct));
        Assert.Equal(RunStatus.AwaitingApproval, (await pipeline.RunAsync(healthyRun)).Status);
    }
}
