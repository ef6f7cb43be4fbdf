using Rebalancing.Engine.Planning;

namespace Rebalancing.Engine.Tests.Plans;

public class CentsTests
{
    [Fact]
    public void Distribute_GivesMissingCentsToTheLargestFractions_TiesToTheEarlierShare()
    {
        // Floors: 1.00 + 1.00 + 1.00 + 1.00 = 4.00; the total 4.02 is two cents short. Fractions 0.4, 0.7, 0.4, 0.7:
        // the two 0.7s take them.
        Assert.Equal([100, 101, 100, 101], Cents.Distribute([1.004, 1.007, 1.004, 1.007], 4.02));

        // Three cents short: after the 0.7s, the earlier of the tied 0.4s.
        Assert.Equal([101, 101, 100, 101], Cents.Distribute([1.004, 1.007, 1.004, 1.007], 4.03));
    }

    [Fact]
    public void Distribute_TakesSurplusCentsFromTheSmallestFractions_TiesToTheEarlierShare()
    {
        // Floors add to 4.00 but the total is 3.99: one cent too many, taken from the earlier of the tied 0.1s.
        Assert.Equal([99, 100, 100, 100], Cents.Distribute([1.001, 1.009, 1.001, 1.009], 3.99));
    }

    [Fact]
    public void Distribute_OnManyEqualFractions_KeepsIndexOrderWithinTies()
    {
        // Thousands of identical fractions: the key sort is not stable, so this checks the ties are put back in order.
        var shares = Enumerable.Repeat(0.005, 5000).ToArray();
        var cents = Cents.Distribute(shares, 12.50);

        Assert.Equal(1250, cents.Sum());
        Assert.All(cents.Take(1250), c => Assert.Equal(1, c));
        Assert.All(cents.Skip(1250), c => Assert.Equal(0, c));
    }
}
