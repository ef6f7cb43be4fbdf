using Rebalancing.Engine.Plans;
using Rebalancing.Engine.Reasons;
using Rebalancing.Engine.Tests.Support;

namespace Rebalancing.Engine.Tests.Passes.WarehousePush;

public class WarehousePushPassTests
{
    /// <summary>A warehouse with every size of a 5-size style and one store in cluster GP.</summary>
    private static TestNetwork Network(int warehouseUnits = 20) =>
        new TestNetwork()
            .Warehouse("W1")
            .Store("S1", "GP")
            .Style("TEE", 5, price: 500)
            .Stock("W1", "TEE-1", warehouseUnits).Stock("W1", "TEE-2", warehouseUnits).Stock("W1", "TEE-3", warehouseUnits)
            .Stock("W1", "TEE-4", warehouseUnits).Stock("W1", "TEE-5", warehouseUnits)
            .NodeFreight("W1", "S1", 1, 10);

    private static IEnumerable<PlanMove> Pushes(Plan plan, string store) => plan.Moves.Where(m => m.Pass == 1 && m.ToNode == store);

    [Fact]
    public void Pass1_EmptyStoreWithDemand_ReceivesSeveralSizesTogetherAsAViableRun()
    {
        var plan = Network()
            .Stock("S1", "TEE-2", 0, sales4w: 8).Stock("S1", "TEE-3", 0, sales4w: 8).Stock("S1", "TEE-4", 0, sales4w: 8)
            .Plan();

        var sizes = Pushes(plan, "S1").Select(m => m.Sku).Order().ToList();
        Assert.Superset(new HashSet<string> { "TEE-2", "TEE-3", "TEE-4" }, sizes.ToHashSet());
        Assert.True(plan.KpisAfter.ViableSizeRuns == 1, "the store ends with a viable run");
        Assert.Contains(Pushes(plan, "S1"), m => m.Reason == MoveReason.CompleteSizeRun);
    }

    [Fact]
    public void Pass1_CappedRoute_CarriesTheUnitsWorthMostPerUnitWhateverTheStyleOrder()
    {
        // Both styles sell at S1 and the warehouse holds plenty of each, but the route carries 12 units: they belong to
        // the dear style, although the cheap one comes first in ordinal order.
        var network = new TestNetwork()
            .Warehouse("W1").Store("S1", "GP")
            .Style("AAA", 3, price: 60).Style("ZZZ", 3, price: 900)
            .NodeFreight("W1", "S1", 1, 10);
        foreach (var sku in new[] { "AAA-1", "AAA-2", "AAA-3", "ZZZ-1", "ZZZ-2", "ZZZ-3" })
        {
            network.Stock("W1", sku, 100).Stock("S1", sku, 1, sales4w: 12);
        }

        var plan = network.Plan("""{"pass2": {"max_route_units": 12}}""");

        var pushed = Pushes(plan, "S1").ToList();
        Assert.Equal(12, pushed.Sum(m => m.Quantity));
        Assert.All(pushed, m => Assert.StartsWith("ZZZ-", m.Sku));
    }

    [Fact]
    public void Pass1_LoneSizeThatWouldLeaveAFragment_IsNotPushed()
    {
        // The warehouse holds only size 3; the store stocks nothing else of the style, so any push is a fragment.
        var plan = new TestNetwork()
            .Warehouse("W1").Store("S1", "GP").Style("TEE", 5, price: 500)
            .Stock("W1", "TEE-3", 30)
            .Stock("S1", "TEE-3", 0, sales4w: 20)
            .Plan();

        Assert.Empty(plan.Moves);
        Assert.Contains(plan.Blocked, b => b.NodeId == "S1" && b.Sku == "TEE-3" && b.Code == ReasonCode.SizeRunNotViableAtDestination);
    }

    [Fact]
    public void Pass1_StoreWithViableRun_ReceivesASingleSize()
    {
        var plan = Network()
            .Stock("S1", "TEE-1", 4, sales4w: 4).Stock("S1", "TEE-2", 4, sales4w: 4).Stock("S1", "TEE-3", 4, sales4w: 4)
            .Stock("S1", "TEE-4", 0, sales4w: 12)
            .Plan();

        var push = Assert.Single(Pushes(plan, "S1"), m => m.Sku == "TEE-4");
        Assert.True(push.Quantity >= 2);
        Assert.Equal(MoveReason.FillStockout, push.Reason);
    }

    [Fact]
    public void Pass1_EveryPush_MovesAtLeastTheMinimumPushUnits()
    {
        var plan = Network()
            .Stock("S1", "TEE-1", 3, sales4w: 1).Stock("S1", "TEE-2", 3, sales4w: 1).Stock("S1", "TEE-3", 3, sales4w: 1)
            .Stock("S1", "TEE-4", 0, sales4w: 1)
            .Plan();

        Assert.All(plan.Moves, m => Assert.True(m.Quantity >= 2, $"{m.Sku} pushed {m.Quantity}"));
    }

    [Fact]
    public void Pass1_WarehouseWithOneUnit_DoesNotPushBelowTheMinimum()
    {
        var plan = new TestNetwork()
            .Warehouse("W1").Store("S1", "GP").Style("TEE", 3, price: 500)
            .Stock("W1", "TEE-3", 1)
            .Stock("S1", "TEE-1", 5, sales4w: 8).Stock("S1", "TEE-2", 5, sales4w: 8).Stock("S1", "TEE-3", 0, sales4w: 8)
            .NodeFreight("W1", "S1", 1, 10)
            .Plan();

        Assert.Empty(plan.Moves);
    }

    [Fact]
    public void Pass1_FullStore_ReceivesNothingAndSaysCapacityFull()
    {
        var plan = new TestNetwork()
            .Warehouse("W1").Store("S1", "GP", capacity: 9).Style("TEE", 3, price: 500)
            .Stock("W1", "TEE-1", 20).Stock("W1", "TEE-2", 20).Stock("W1", "TEE-3", 20)
            .Stock("S1", "TEE-1", 3, sales4w: 12).Stock("S1", "TEE-2", 3, sales4w: 12).Stock("S1", "TEE-3", 3, sales4w: 12)
            .NodeFreight("W1", "S1", 1, 10)
            .Plan();

        Assert.Empty(plan.Moves);
        Assert.Contains(plan.Blocked, b => b.NodeId == "S1" && b.Code == ReasonCode.CapacityFull);
    }

    [Fact]
    public void Pass1_StoreWithCapacity_EndsWithinIt()
    {
        var plan = new TestNetwork()
            .Warehouse("W1").Store("S1", "GP", capacity: 14).Style("TEE", 3, price: 500)
            .Stock("W1", "TEE-1", 20).Stock("W1", "TEE-2", 20).Stock("W1", "TEE-3", 20)
            .Stock("S1", "TEE-1", 3, sales4w: 40).Stock("S1", "TEE-2", 3, sales4w: 40).Stock("S1", "TEE-3", 3, sales4w: 40)
            .NodeFreight("W1", "S1", 1, 10)
            .Plan();

        Assert.Equal(5, Pushes(plan, "S1").Sum(m => m.Quantity));
    }

    [Fact]
    public void Pass1_StoreThatCannotReceive_GetsNothingAndSaysNodeDisabled()
    {
        var plan = Network().Store("S2", "GP", receive: false)
            .Stock("S2", "TEE-2", 0, sales4w: 8).Stock("S2", "TEE-3", 0, sales4w: 8).Stock("S2", "TEE-4", 0, sales4w: 8)
            .Plan();

        Assert.DoesNotContain(plan.Moves, m => m.ToNode == "S2");
        Assert.Contains(plan.Blocked, b => b.NodeId == "S2" && b.Code == ReasonCode.NodeDisabled);
    }

    [Fact]
    public void Pass1_WarehouseThatCannotShip_SendsNothing()
    {
        var plan = new TestNetwork()
            .Warehouse("W1", ship: false).Store("S1", "GP").Style("TEE", 3, price: 500)
            .Stock("W1", "TEE-1", 20).Stock("W1", "TEE-2", 20).Stock("W1", "TEE-3", 20)
            .Stock("S1", "TEE-1", 0, sales4w: 8).Stock("S1", "TEE-2", 0, sales4w: 8).Stock("S1", "TEE-3", 0, sales4w: 8)
            .Plan();

        Assert.Empty(plan.Moves);
        Assert.Contains(plan.Blocked, b => b.NodeId == "W1" && b.Code == ReasonCode.NodeDisabled);
    }

    [Fact]
    public void Pass1_ScarceStock_GoesToTheStoreWhereItSellsBest()
    {
        // Two units of size 3: the fast store's marginal unit is worth more than the slow store's.
        var plan = new TestNetwork()
            .Warehouse("W1").Store("FAST", "GP").Store("SLOW", "GP").Style("TEE", 3, price: 500)
            .Stock("W1", "TEE-3", 2)
            .Stock("FAST", "TEE-1", 5, sales4w: 20).Stock("FAST", "TEE-2", 5, sales4w: 20).Stock("FAST", "TEE-3", 1, sales4w: 20)
            .Stock("SLOW", "TEE-1", 5, sales4w: 2).Stock("SLOW", "TEE-2", 5, sales4w: 2).Stock("SLOW", "TEE-3", 1, sales4w: 2)
            .NodeFreight("W1", "FAST", 1, 10).NodeFreight("W1", "SLOW", 1, 10)
            .Plan();

        var push = Assert.Single(plan.Moves, m => m.Pass == 1);
        Assert.Equal("FAST", push.ToNode);
    }

    [Fact]
    public void Pass1_EolStock_IsPushedFromAWarehouse()
    {
        var plan = new TestNetwork()
            .Warehouse("W1").Store("S1", "GP").Style("OLD", 3, price: 500, lifecycle: "eol")
            .Stock("W1", "OLD-1", 10).Stock("W1", "OLD-2", 10).Stock("W1", "OLD-3", 10)
            .Stock("S1", "OLD-1", 0, sales4w: 8).Stock("S1", "OLD-2", 0, sales4w: 8).Stock("S1", "OLD-3", 0, sales4w: 8)
            .NodeFreight("W1", "S1", 1, 10)
            .Plan();

        Assert.Equal(3, plan.Moves.Length);
    }

    [Fact]
    public void Pass1_StoreThatRecentlySentTheSku_DoesNotReceiveIt()
    {
        var network = Network()
            .Stock("S1", "TEE-1", 4, sales4w: 4).Stock("S1", "TEE-2", 4, sales4w: 4).Stock("S1", "TEE-3", 4, sales4w: 4)
            .Stock("S1", "TEE-4", 0, sales4w: 12)
            .RecentMove("TEE-4", "S1", "W1", 2, "2026-11-15T00:00:00Z");

        var plan = network.Plan();

        Assert.DoesNotContain(plan.Moves, m => m.Sku == "TEE-4");
        Assert.Contains(plan.Blocked, b => b.NodeId == "S1" && b.Sku == "TEE-4" && b.Code == ReasonCode.CooldownActive);
    }

    [Fact]
    public void Pass1_RecentMoveOutsideTheCooldownWindow_DoesNotBlock()
    {
        var plan = Network()
            .Stock("S1", "TEE-1", 4, sales4w: 4).Stock("S1", "TEE-2", 4, sales4w: 4).Stock("S1", "TEE-3", 4, sales4w: 4)
            .Stock("S1", "TEE-4", 0, sales4w: 12)
            .RecentMove("TEE-4", "S1", "W1", 2, "2026-10-01T00:00:00Z")
            .Plan();

        Assert.Contains(plan.Moves, m => m.Sku == "TEE-4");
    }

    [Fact]
    public void Pass1_WarehouseThatRecentlyReceivedTheSku_DoesNotSendIt()
    {
        var plan = Network()
            .Stock("S1", "TEE-1", 4, sales4w: 4).Stock("S1", "TEE-2", 4, sales4w: 4).Stock("S1", "TEE-3", 4, sales4w: 4)
            .Stock("S1", "TEE-4", 0, sales4w: 12)
            .RecentMove("TEE-4", "S1", "W1", 2, "2026-11-19T00:00:00Z")
            .Plan();

        Assert.DoesNotContain(plan.Moves, m => m.Sku == "TEE-4" && m.FromNode == "W1");
    }

    [Fact]
    public void Pass1_NoPushWithoutPositiveNetBenefit()
    {
        // Cheap goods and an expensive route: nothing is worth shipping.
        var plan = new TestNetwork()
            .Warehouse("W1").Store("S1", "GP").Style("SOCK", 3, price: 5, cost: 1)
            .Stock("W1", "SOCK-1", 20).Stock("W1", "SOCK-2", 20).Stock("W1", "SOCK-3", 20)
            .Stock("S1", "SOCK-1", 0, sales4w: 8).Stock("S1", "SOCK-2", 0, sales4w: 8).Stock("S1", "SOCK-3", 0, sales4w: 8)
            .NodeFreight("W1", "S1", 3, 10)
            .Plan();

        Assert.Empty(plan.Moves);
        Assert.Contains(plan.Blocked, b => b.NodeId == "S1" && b.Code == ReasonCode.FreightExceedsUplift);
    }

    [Fact]
    public void Pass1_RouteWhoseMovesDoNotPayTheShipment_IsDropped()
    {
        // Each push gains a little per unit, but the route's fixed cost is larger than all of it together.
        var plan = new TestNetwork()
            .Warehouse("W1").Store("S1", "GP").Style("TEE", 3, price: 50, cost: 20)
            .Stock("W1", "TEE-1", 20).Stock("W1", "TEE-2", 20).Stock("W1", "TEE-3", 20)
            .Stock("S1", "TEE-1", 0, sales4w: 4).Stock("S1", "TEE-2", 0, sales4w: 4).Stock("S1", "TEE-3", 0, sales4w: 4)
            .NodeFreight("W1", "S1", 0.1, 5000)
            .Plan();

        Assert.Empty(plan.Moves);
        Assert.Equal(0, plan.NetBenefitCents);
    }

    [Fact]
    public void Pass1_PlanNetBenefit_IsPositiveAndEveryRoutePaysItsShipment()
    {
        var plan = Network()
            .Store("S2", "GP").NodeFreight("W1", "S2", 1, 10)
            .Stock("S1", "TEE-2", 0, sales4w: 8).Stock("S1", "TEE-3", 0, sales4w: 8).Stock("S1", "TEE-4", 0, sales4w: 8)
            .Stock("S2", "TEE-1", 0, sales4w: 2).Stock("S2", "TEE-2", 0, sales4w: 2).Stock("S2", "TEE-3", 0, sales4w: 2)
            .Plan();

        Assert.True(plan.NetBenefitCents > 0);
        foreach (var route in plan.Moves.GroupBy(m => (m.FromNode, m.ToNode)))
        {
            Assert.True(route.Sum(m => m.NetBenefitCents) > 0, $"route {route.Key} does not pay");
        }
    }
}
