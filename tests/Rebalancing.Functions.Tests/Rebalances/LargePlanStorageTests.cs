using Rebalancing.Engine.Plans;
using Rebalancing.Functions.Rebalances;
using Rebalancing.Functions.Storage;
using Rebalancing.Functions.Storage.Documents;
using Rebalancing.Functions.Tests.Harness;

namespace Rebalancing.Functions.Tests.Rebalances;

/// <summary>
/// A plan of 300,000 moves through the run's storage path on the emulators (Blob on Azurite, documents on the Cosmos
/// DB emulator): stored page by page, listed page by page, decided by scope, applied. No document written on the way
/// comes near Cosmos DB's item limit: plans and move lists live in Blob, documents hold status and references.
/// </summary>
[Collection(EmulatorGroup.Name)]
public sealed class LargePlanStorageTests(EmulatorFixture emulators)
{
    private const int MoveCount = 300_000;

    [Fact]
    public async Task PlanOf300000Moves_GoesThroughTheStoragePath_WithEveryItemUnder1MB()
    {
        var stores = emulators.CreateServices(TimeProvider.System);
        var files = new RunFiles(stores.RunFiles);
        var runId = "run-large-" + Guid.NewGuid().ToString("N")[..8];
        const string orgId = "large-org";
        var clusters = new[] { "C1", "C2", "C3", "C4" };
        var moves = Enumerable.Range(0, MoveCount)
            .Select(i => new ProposedMove(
                $"m{i:D7}", 1 + (i % 3), $"S{i % 997:D4}", $"S{(i + 1) % 997:D4}", $"SKU{i % 50_000:D6}", $"ST{i % 9000:D5}", "M", 2 + (i % 7),
                clusters[i % 4], clusters[(i + 1) % 4], 12_345 + i % 1000, 2_345 + i % 100, "FILL_STOCKOUT", i % 10 == 0 ? ApprovalLevel.Elevated : ApprovalLevel.Standard))
            .ToList();
        var summary = new PlanSummary(MoveCount, moves.Sum(m => (long)m.Quantity), moves.Sum(m => m.GpUpliftCents), moves.Sum(m => m.FreightCostCents), MoveCount / 10);
        await files.PutPlanAsync(runId, new StoredPlan("hash", "input", "test", summary, RunFiles.PagesFor(MoveCount), null, null, null, PlanAggregates.Of(moves)), moves, CancellationToken.None);

        var input = new RunInput(runId, orgId, "snapshot", null, [new Approver("ann", null, Elevated: true)]);
        var now = DateTimeOffset.UtcNow;
        var context = new AsOfContext("snapshot", "hash", now, "{}", "test", clusters, 72, 0, "input");
        var record = new RunRecord(runId, orgId, RunStatus.AwaitingApproval, input, now, now) { Context = context, Summary = summary, DeterminismHash = "hash", ProposedAt = now };
        await stores.Runs.CreateAsync(record.ToDocument(), CancellationToken.None);

        // Decisions are documents of their own, whatever the plan's size; one of them names 1,000 moves.
        var chosen = moves.Where(m => m.ApprovalLevel == ApprovalLevel.Standard).Take(1000).Select(m => m.MoveId).ToList();
        await Decisions.AddAsync(stores.Runs, runId, new RecordedDecision(1, new ApprovalDecision("by-id", "ann", DecisionKind.Approve, new ApprovalScope(null, null, chosen), false), false, now), now, CancellationToken.None);
        await Decisions.AddAsync(stores.Runs, runId, new RecordedDecision(2, new ApprovalDecision("the-rest", "ann", DecisionKind.Reject, ApprovalScope.All, true), true, now), now, CancellationToken.None);

        var runs = new RebalanceRuns(stores, files, TimeProvider.System);
        var first = await runs.ListMovesAsync(runId, new MoveFilter(null, null, null), RebalanceRuns.MaxPageSize, null, CancellationToken.None);
        Assert.Equal(RebalanceRuns.MaxPageSize, first!.Moves.Count);
        Assert.Equal("m0000000", first.Moves[0].Move.MoveId);
        var second = await runs.ListMovesAsync(runId, new MoveFilter(null, null, null), RebalanceRuns.MaxPageSize, first.ContinuationToken, CancellationToken.None);
        Assert.Equal("m0010000", second!.Moves[0].Move.MoveId);
        var approved = await runs.ListMovesAsync(runId, new MoveFilter(null, null, MoveStatus.Approved), RebalanceRuns.MaxPageSize, null, CancellationToken.None);
        Assert.Equal(chosen, approved!.Moves.Select(m => m.Move.MoveId));
        var last = await runs.ListMovesAsync(runId, new MoveFilter(null, null, null), 5, null, CancellationToken.None);
        Assert.NotNull(last!.ContinuationToken);

        var activities = new RebalanceActivities(stores, files, new PlanningInputs(stores.Snapshots), new RunEvents(new NullSink(), TimeProvider.System), TimeProvider.System);
        var tally = await activities.RecordDecision(new DecisionInput(runId, 0, null, now), CancellationToken.None);
        Assert.Equal(new DecisionTally(2, 0, 1000, MoveCount - 1000), tally);
        var applied = await activities.ApplyMoves(new ApplyInput(runId, now), CancellationToken.None);
        Assert.Equal(1000, applied.Moves);
        Assert.NotNull(await stores.Ledger.GetAsync(orgId, runId, chosen[^1], CancellationToken.None));

        Assert.InRange(stores.DocumentSizes.LargestItemBytes, 1, DocumentSizes.MaxItemBytes);
        Assert.True(stores.DocumentSizes.LargestItemBytes < 100_000, $"the largest item written is {stores.DocumentSizes.LargestItemBytes:N0} bytes");
    }

    private sealed class NullSink : IEventSink
    {
        public Task PublishAsync(string runId, OutboxEvent outboxEvent, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
