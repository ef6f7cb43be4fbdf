using Rebalancing.Functions.Storage;

namespace Rebalancing.Functions.Tests.Storage.Contracts;

public abstract class TransferLedgerContract : StorageContract
{
    private static readonly DateTimeOffset Day = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private ITransferLedger Ledger => Services.Ledger;

    private static TransferOrder Order(string org, string run, string move, DateTimeOffset appliedAt, long units = 4) =>
        new(org, run, move, "SKU-1", "STORE-A", "STORE-B", units, 2, "north", "snap-1", new string('a', 64), TransferOrderStatus.Applied, appliedAt, appliedAt);

    [Fact]
    public async Task Record_SameMoveTwice_KeepsOneOrderWithTheIdDerivedFromRunAndMove()
    {
        var (org, run) = (NewId("org"), NewId("run"));

        await Ledger.RecordAsync(Order(org, run, "m1", Day), Ct);
        var retried = await Ledger.RecordAsync(Order(org, run, "m1", Day), Ct);

        Assert.Equal($"{run}:m1", retried.OrderId);
        Assert.Single(await Ledger.ListByRunAsync(org, run, Ct));
    }

    [Fact]
    public async Task Record_ConcurrentRetriesOfOneApply_WriteOneDocument()
    {
        var (org, run) = (NewId("org"), NewId("run"));

        await RaceAsync(6, _ => Ledger.RecordAsync(Order(org, run, "m1", Day), Ct));

        var order = Assert.Single(await Ledger.ListByRunAsync(org, run, Ct));
        Assert.Equal(4, order.Units);
    }

    [Fact]
    public async Task SetStatus_Cancelled_KeepsTheOrderWithItsNewStateAndARetryDoesNotRevertIt()
    {
        var (org, run) = (NewId("org"), NewId("run"));
        await Ledger.RecordAsync(Order(org, run, "m1", Day), Ct);

        var cancelled = await Ledger.SetStatusAsync(org, run, "m1", TransferOrderStatus.Cancelled, Day.AddHours(2), Ct);
        await Ledger.RecordAsync(Order(org, run, "m1", Day), Ct);

        Assert.Equal(TransferOrderStatus.Cancelled, cancelled!.Status);
        var stored = await Ledger.GetAsync(org, run, "m1", Ct);
        Assert.Equal(TransferOrderStatus.Cancelled, stored!.Status);
        Assert.Equal(Day.AddHours(2), stored.UpdatedAt);
        Assert.Null(await Ledger.SetStatusAsync(org, run, "no-such-move", TransferOrderStatus.Cancelled, Day, Ct));
    }

    [Fact]
    public async Task ListRecent_ReturnsTheOrgsOrdersSinceTheInstant_OldestFirst()
    {
        var (org, otherOrg) = (NewId("org"), NewId("org"));
        var (run1, run2) = (NewId("run"), NewId("run"));
        await Ledger.RecordAsync(Order(org, run1, "old", Day.AddDays(-10)), Ct);
        await Ledger.RecordAsync(Order(org, run1, "m2", Day.AddDays(-1)), Ct);
        await Ledger.RecordAsync(Order(org, run2, "m1", Day), Ct);
        await Ledger.RecordAsync(Order(otherOrg, run2, "m9", Day), Ct);

        var recent = await Ledger.ListRecentAsync(org, Day.AddDays(-2), Ct);

        Assert.Equal([$"{run1}:m2", $"{run2}:m1"], recent.Select(o => o.OrderId));
    }

    [Fact]
    public async Task ListRecent_AnInstantWithAnOffset_ComparesAsTheSameUtcInstant()
    {
        var org = NewId("org");
        await Ledger.RecordAsync(Order(org, NewId("run"), "m1", Day), Ct);

        var sameInstantElsewhere = Day.ToOffset(TimeSpan.FromHours(2));

        Assert.Single(await Ledger.ListRecentAsync(org, sameInstantElsewhere, Ct));
        Assert.Empty(await Ledger.ListRecentAsync(org, sameInstantElsewhere.AddTicks(1), Ct));
    }

    [Fact]
    public async Task RecordTotals_Twice_KeepsOneTotalsDocumentPerRun()
    {
        var (org, run) = (NewId("org"), NewId("run"));
        var totals = new AppliedTotals(org, run, 3, 12, 41.5m, "snap-1", new string('a', 64), Day);

        await Ledger.RecordTotalsAsync(totals, Ct);
        await Ledger.RecordTotalsAsync(totals, Ct);

        Assert.Equal(totals, await Ledger.GetTotalsAsync(org, run, Ct));
        Assert.Null(await Ledger.GetTotalsAsync(org, NewId("run"), Ct));
        Assert.Empty(await Ledger.ListByRunAsync(org, run, Ct));
    }
}
