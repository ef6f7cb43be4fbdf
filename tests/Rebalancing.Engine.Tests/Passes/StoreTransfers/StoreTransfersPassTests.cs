using Rebalancing.Engine.Plans;
using Rebalancing.Engine.Reasons;
using Rebalancing.Engine.Tests.Support;

namespace Rebalancing.Engine.Tests.Passes.StoreTransfers;

/// <summary>Pass 2 scenarios: a handful of stores, no warehouse stock, one rule each.</summary>
public class StoreTransfersPassTests
{
    /// <summary>
    /// SLOW holds a deep run nobody buys; FAST sells the style but is short of size 2. Same cluster, cheap freight.
    /// </summary>
    private static TestNetwork TwoStores(string fastCluster = "GP", string lifecycle = "core", int slowSize2 = 12, int? fastCapacity = null) =>
        new TestNetwork()
            .Store("SLOW", "GP").Store("FAST", fastCluster, capacity: fastCapacity)
            .Style("TEE", 3, price: 400, lifecycle: lifecycle)
            .Stock("SLOW", "TEE-1", 6, sales4w: 0.4).Stock("SLOW", "TEE-2", slowSize2, sales4w: 0.4).Stock("SLOW", "TEE-3", 6, sales4w: 0.4)
            .Stock("FAST", "TEE-1", 5, sales4w: 12).Stock("FAST", "TEE-2", 1, sales4w: 24).Stock("FAST", "TEE-3", 5, sales4w: 12)
            .ClusterFreight("GP", "GP", 2, 20).ClusterFreight("GP", "WC", 20, 300);

    private static IEnumerable<PlanMove> Transfers(Plan plan) => plan.Moves.Where(m => m.Pass == 2);

    [Fact]
    public void Pass2_SurplusMovesToTheStoreThatSellsIt()
    {
        var plan = TwoStores().Plan();

        var move = Assert.Single(Transfers(plan), m => m.Sku == "TEE-2");
        Assert.Equal(("SLOW", "FAST"), (move.FromNode, move.ToNode));
        Assert.True(move.NetBenefitCents > 0);
    }

    [Fact]
    public void Pass2_KeepsSourceSizeRunViable()
    {
        // SLOW has one unit of size 2 beyond its protected unit... and only one unit at all: sending it would break the run.
        var plan = TwoStores(slowSize2: 1).Plan("""{"store_protected_units": 0}""");

        Assert.DoesNotContain(Transfers(plan), m => m.FromNode == "SLOW" && m.Sku == "TEE-2");
        Assert.Contains(plan.Blocked, b => b.NodeId == "SLOW" && b.Sku == "TEE-2" && b.Code == ReasonCode.BreaksSourceSizeRun);
    }

    [Fact]
    public void Pass2_TransferQuantity_StaysWithinMinAndMax()
    {
        var plan = TwoStores(slowSize2: 40).Plan("""{"pass2": {"min_transfer_units": 3, "max_transfer_units": 4}}""");

        Assert.All(Transfers(plan), m => Assert.InRange(m.Quantity, 3, 4));
        Assert.NotEmpty(Transfers(plan));
    }

    [Fact]
    public void Pass2_BelowMinimum_IsNotMovedAndSaysSo()
    {
        var plan = TwoStores().Plan("""{"pass2": {"min_transfer_units": 20, "max_transfer_units": 24}}""");

        Assert.Empty(Transfers(plan));
        Assert.Contains(plan.Blocked, b => b.Sku == "TEE-2" && b.Code == ReasonCode.BelowMinQuantity);
    }

    [Fact]
    public void Pass2_EolStock_NeverMovesBetweenStores()
    {
        var plan = TwoStores(lifecycle: "eol").Plan();

        Assert.Empty(Transfers(plan));
        Assert.Contains(plan.Blocked, b => b.NodeId == "SLOW" && b.Code == ReasonCode.LifecycleBlocked);
    }

    [Fact]
    public void Pass2_FreightAboveTheGain_BlocksTheTransfer()
    {
        var plan = new TestNetwork()
            .Store("SLOW", "GP").Store("FAST", "GP").Style("TEE", 3, price: 400)
            .Stock("SLOW", "TEE-1", 6, sales4w: 0.4).Stock("SLOW", "TEE-2", 12, sales4w: 0.4).Stock("SLOW", "TEE-3", 6, sales4w: 0.4)
            .Stock("FAST", "TEE-1", 5, sales4w: 12).Stock("FAST", "TEE-2", 1, sales4w: 24).Stock("FAST", "TEE-3", 5, sales4w: 12)
            .ClusterFreight("GP", "GP", 250, 20)
            .Plan();

        Assert.Empty(Transfers(plan));
        Assert.Contains(plan.Blocked, b => b.Sku == "TEE-2" && b.Code == ReasonCode.FreightExceedsUplift);
    }

    [Fact]
    public void Pass2_AcrossClusters_NeedsTheUpliftRatio()
    {
        var network = TwoStores(fastCluster: "WC");

        var strict = network.Plan("""{"pass2": {"inter_cluster_min_uplift_ratio": 50}}""");
        var lenient = network.Plan("""{"pass2": {"inter_cluster_min_uplift_ratio": 1}}""");

        Assert.Empty(Transfers(strict));
        Assert.Contains(strict.Blocked, b => b.Sku == "TEE-2" && b.Code == ReasonCode.InterClusterUpliftTooLow);
        var move = Assert.Single(Transfers(lenient), m => m.Sku == "TEE-2");
        Assert.Equal("WC", move.ToCluster);
    }

    [Fact]
    public void Pass2_RouteCap_LimitsUnitsOnTheRoute()
    {
        var plan = TwoStores(slowSize2: 40).Plan("""{"pass2": {"max_route_units": 3, "min_transfer_units": 1}}""");

        Assert.True(Transfers(plan).Where(m => m.FromNode == "SLOW" && m.ToNode == "FAST").Sum(m => m.Quantity) <= 3);
    }

    [Fact]
    public void Pass2_ARouteCapOfZero_MovesNothingStoreToStore_AndStillExplainsEveryRow()
    {
        var plan = TwoStores(slowSize2: 40).Plan("""{"pass2": {"max_route_units": 0, "min_transfer_units": 1}}""");

        Assert.Empty(Transfers(plan));
        Assert.Contains(plan.Blocked, b => b.Code == ReasonCode.RouteCapReached);
    }

    [Fact]
    public void ElevatedShareOfSourceZero_MakesEveryMoveElevated()
    {
        var plan = TwoStores(slowSize2: 40).Plan("""{"approval": {"elevated_share_of_source": 0}}""");

        Assert.NotEmpty(plan.Moves);
        Assert.All(plan.Moves, m => Assert.Equal(ApprovalLevel.Elevated, m.ApprovalLevel));
    }

    [Fact]
    public void Pass2_FullReceiver_GetsNothingAndSaysCapacityFull()
    {
        var plan = TwoStores(fastCapacity: 11).Plan();

        Assert.Empty(Transfers(plan));
        Assert.Contains(plan.Blocked, b => b.Sku == "TEE-2" && b.Code == ReasonCode.CapacityFull);
    }

    [Fact]
    public void Pass2_SenderThatRecentlyReceived_DoesNotSend()
    {
        var plan = TwoStores().RecentMove("TEE-2", "FAST", "SLOW", 3, "2026-11-18T00:00:00Z").Plan();

        Assert.DoesNotContain(Transfers(plan), m => m.FromNode == "SLOW" && m.Sku == "TEE-2");
        Assert.Contains(plan.Blocked, b => b.NodeId == "SLOW" && b.Sku == "TEE-2" && b.Code == ReasonCode.CooldownActive);
    }

    [Fact]
    public void Pass2_ChangeCap_CountsRecentMovesAndThisPlan()
    {
        var plan = TwoStores().RecentMove("TEE-2", "SLOW", "X", 1, "2026-11-18T00:00:00Z")
            .Store("X", "GP")
            .Plan("""{"change_cap_units_per_sku": 2}""");

        Assert.True(plan.Moves.Where(m => m.Sku == "TEE-2").Sum(m => m.Quantity) <= 1);
    }

    [Fact]
    public void Pass2_ChangeCapUsedUp_SaysChangeCapReached()
    {
        var plan = TwoStores().Store("X", "GP").RecentMove("TEE-2", "X", "FAST", 5, "2026-11-18T00:00:00Z")
            .Plan("""{"change_cap_units_per_sku": 5}""");

        Assert.DoesNotContain(plan.Moves, m => m.Sku == "TEE-2");
        Assert.Contains(plan.Blocked, b => b.Sku == "TEE-2" && b.Code == ReasonCode.ChangeCapReached);
    }

    [Fact]
    public void Pass2_SenderThatCannotShip_SendsNothing()
    {
        var plan = new TestNetwork()
            .Store("SLOW", "GP", ship: false).Store("FAST", "GP").Style("TEE", 3, price: 400)
            .Stock("SLOW", "TEE-1", 6, sales4w: 0.4).Stock("SLOW", "TEE-2", 12, sales4w: 0.4).Stock("SLOW", "TEE-3", 6, sales4w: 0.4)
            .Stock("FAST", "TEE-1", 5, sales4w: 12).Stock("FAST", "TEE-2", 1, sales4w: 24).Stock("FAST", "TEE-3", 5, sales4w: 12)
            .ClusterFreight("GP", "GP", 2, 20)
            .Plan();

        Assert.Empty(plan.Moves);
        Assert.Contains(plan.Blocked, b => b.NodeId == "SLOW" && b.Code == ReasonCode.NodeDisabled);
    }

    [Fact]
    public void Pass2_ReceiverMustBeViableAfterTheMove()
    {
        // FAST holds only size 1 of a 5-size style: one size more is still a fragment, so nothing is sent there.
        var plan = new TestNetwork()
            .Store("SLOW", "GP").Store("FAST", "GP").Style("TEE", 5, price: 400)
            .Stock("SLOW", "TEE-1", 6, sales4w: 0.4).Stock("SLOW", "TEE-2", 12, sales4w: 0.4).Stock("SLOW", "TEE-3", 6, sales4w: 0.4)
            .Stock("FAST", "TEE-1", 5, sales4w: 12).Stock("FAST", "TEE-2", 0, sales4w: 24).Stock("FAST", "TEE-4", 0, sales4w: 12)
            .ClusterFreight("GP", "GP", 2, 20)
            .Plan("""{"pass3": {"enabled": false}}""");

        Assert.DoesNotContain(Transfers(plan), m => m.ToNode == "FAST");
        Assert.Contains(plan.Blocked, b => b.NodeId == "FAST" && b.Code == ReasonCode.SizeRunNotViableAtDestination);
    }

    [Fact]
    public void Pass2_ClusterResults_DoNotDependOnOtherClustersOrOrder()
    {
        var network = TwoStores()
            .Store("SLOW2", "WC").Store("FAST2", "WC")
            .Stock("SLOW2", "TEE-1", 6, sales4w: 0.4).Stock("SLOW2", "TEE-2", 12, sales4w: 0.4).Stock("SLOW2", "TEE-3", 6, sales4w: 0.4)
            .Stock("FAST2", "TEE-1", 5, sales4w: 12).Stock("FAST2", "TEE-2", 1, sales4w: 24).Stock("FAST2", "TEE-3", 5, sales4w: 12)
            .ClusterFreight("WC", "WC", 2, 20);
        var snapshot = network.Load();
        var session = new Rebalancing.Engine.Planning.PlanningSession(snapshot, Rebalancing.Engine.Policies.Policy.Default);
        var pass1 = session.WarehousePush();

        var gpAlone = session.StoreTransfersWithin(pass1, "GP");
        _ = session.StoreTransfersWithin(pass1, "WC");
        var gpAfterWc = session.StoreTransfersWithin(pass1, "GP");

        Assert.Equal(gpAlone.ToList(), gpAfterWc.ToList());
        Assert.All(gpAlone, m => Assert.StartsWith("SLOW", m.FromNode, StringComparison.Ordinal));
    }
}
