using Rebalancing.Engine.Valuation;

namespace Rebalancing.Engine.Tests.Valuation;

/// <summary>
/// Plans and hashes depend on every bit of the sell-through values, so the tables must give exactly what a walk gives:
/// equal doubles, not close ones.
/// </summary>
public class TailTableTests
{
    public static TheoryData<double> Means => [0.0, 1e-9, 0.003, 0.5, 1.0, 2.75, 8.0, 31.4, 120.0, 599.9, 600.0, 600.1, 750.0, 5000.0];

    [Theory]
    [MemberData(nameof(Means))]
    public void Tabulated_GivesTheWalkersTailsAndSumsExactly_AtEveryRank(double mu)
    {
        var table = TailTable.Tabulated(mu);
        var ranks = (int)(mu + (60 * Math.Sqrt(mu + 1))) + 80;
        for (var k = -2; k <= ranks; k++)
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(SellThrough.Tail(mu, k)), BitConverter.DoubleToInt64Bits(table.Tail(k)));
            Assert.Equal(BitConverter.DoubleToInt64Bits(SellThrough.ExpectedSales(mu, k)), BitConverter.DoubleToInt64Bits(table.ExpectedSales(k)));
        }
    }

    [Theory]
    [MemberData(nameof(Means))]
    public void Tails_FromAnyFirstRank_AreTheWalkersTails(double mu)
    {
        var table = TailTable.Tabulated(mu);
        foreach (var first in new[] { -3, 0, 1, 2, (int)mu, (int)mu + 7 })
        {
            var expected = new double[40];
            var actual = new double[40];
            SellThrough.Tails(mu, first, expected);
            table.Tails(first, actual);
            Assert.Equal(expected, actual);
        }
    }

    [Theory]
    [InlineData(3.5)]
    [InlineData(900.0)]
    public void Walked_OverTheMemoryBudget_GivesTheSameValuesAsTabulated(double mu)
    {
        var walked = TailTable.Walked(mu);
        var tabulated = TailTable.Tabulated(mu);
        Assert.Equal(0, walked.Size);
        for (var k = 0; k < (int)mu + 100; k++)
        {
            Assert.Equal(tabulated.Tail(k), walked.Tail(k));
            Assert.Equal(tabulated.ExpectedSales(k), walked.ExpectedSales(k));
        }
    }
}
