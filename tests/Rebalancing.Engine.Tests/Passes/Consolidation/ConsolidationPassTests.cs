using Rebalancing.Engine.Reasons;
using Rebalancing.Engine.Tests.Support;

namespace Rebalancing.Engine.Tests.Passes.Consolidation;

/// <summary>Pass 3 scenarios: fragments scattered over stores of one cluster.</summary>
public class ConsolidationPassTests
{
    /// <summary>Three stores each hold one size of a 3-size style; the hub sells it best.</summary>
    private static TestNetwork ScatteredRun(double perUnit = 2, double perShipment = 20, double price = 600) =>
        new TestNetwork()
            .Store("HUB", "GP").Store("A", "GP").Store("B", "GP")
            .Style("DRESS", 3, price: price)
            .Stock("HUB", "DRESS-1", 3, sales4w: 10).Stock("HUB", "DRESS-2", 0, sales4w: 10).Stock("HUB", "DRESS-3", 0, sales4w: 10)
            .Stock("A", "DRESS-2", 3, sales4w: 1)
            .Stock("B", "DRESS-3", 3, sales4w: 1)
            .ClusterFreight("GP", "GP", perUnit, perShipment);

    [Fact]
    public void Pass3_GathersFragmentsIntoAViableRunAtTheStoreThatSellsBest()
    {
        var plan = ScatteredRun().Plan();

        var consolidations = plan.Moves.Where(m => m.Pass == 3).ToList();
        Assert.NotEmpty(consolidations);
        Assert.All(consolidations, m => Assert.Equal("HUB", m.ToNode));
        Assert.All(consolidations, m => Assert.Equal(MoveReason.ConsolidateRegional, m.Reason));
        Assert.True(plan.KpisAfter.Fragments < plan.KpisBefore.Fragments);
        Assert.True(plan.NetBenefitCents > 0);
    }

    [Fact]
    public void Pass3_IgnoresMinimumQuantities()
    {
        var plan = ScatteredRun().Plan("""{"pass2": {"min_transfer_units": 10, "max_transfer_units": 24}}""");

        Assert.Contains(plan.Moves, m => m.Pass == 3 && m.Quantity < 10);
    }

    [Fact]
    public void Pass3_WhenFreightEatsTheGain_LeavesFragmentsInPlaceAndSaysSo()
    {
        var plan = ScatteredRun(perUnit: 400, perShipment: 500, price: 100).Plan();

        Assert.DoesNotContain(plan.Moves, m => m.Pass == 3);
        Assert.Contains(plan.Blocked, b => b.NodeId == "A" && b.Code == ReasonCode.FragmentLeftInPlace);
    }

    [Fact]
    public void Pass3_Disabled_MakesNoConsolidation()
    {
        var plan = ScatteredRun().Plan("""{"pass3": {"enabled": false}}""");

        Assert.DoesNotContain(plan.Moves, m => m.Pass == 3);
    }

    [Fact]
    public void Pass3_NeverGathersAcrossClusters()
    {
        var plan = new TestNetwork()
            .Store("HUB", "GP").Store("A", "WC").Store("B", "WC")
            .Style("DRESS", 3, price: 600)
            .Stock("HUB", "DRESS-1", 3, sales4w: 10).Stock("HUB", "DRESS-2", 0, sales4w: 10).Stock("HUB", "DRESS-3", 0, sales4w: 10)
            .Stock("A", "DRESS-2", 3, sales4w: 1)
            .Stock("B", "DRESS-3", 3, sales4w: 1)
            .Plan();

        Assert.DoesNotContain(plan.Moves, m => m.Pass == 3 && m.FromCluster != m.ToCluster);
    }
}
