using Rebalancing.Engine.Valuation;

namespace Rebalancing.Engine.Tests.Valuation;

public class SellThroughTests
{
    [Theory]
    [InlineData(8.0, 6, 5.6496)]
    [InlineData(16.0, 9, 8.9621)]
    [InlineData(1.0, 9, 1.0)]
    [InlineData(1.0, 1, 0.63212)]
    public void ExpectedSales_MatchesPoissonSumOfTails(double mu, int x, double expected) =>
        Assert.Equal(expected, SellThrough.ExpectedSales(mu, x), 3);

    [Fact]
    public void Tail_TinyMean_IsAccurateRelativeToMean()
    {
        // P(D >= 1) = 1 - exp(-mu) ~ mu for tiny mu: the subtraction must not lose the digits.
        var mu = 1e-9;
        Assert.Equal(mu, SellThrough.Tail(mu, 1), 1e-18);
    }

    [Theory]
    [InlineData(750.0)]
    [InlineData(5000.0)]
    public void Tail_LargeMean_IsHalfAtTheMeanAndVanishesFarAbove(double mu)
    {
        // Beyond exp(-745) the pmf underflows; the log-space path must still give a proper distribution.
        Assert.InRange(SellThrough.Tail(mu, (int)mu), 0.45, 0.56);
        Assert.Equal(1.0, SellThrough.Tail(mu, (int)(mu - (10 * Math.Sqrt(mu)))), 10);
        Assert.Equal(0.0, SellThrough.Tail(mu, (int)(mu + (12 * Math.Sqrt(mu)))), 12);
    }

    [Fact]
    public void ExpectedSales_LargeMeanSmallPosition_SellsEveryUnit() =>
        Assert.Equal(20.0, SellThrough.ExpectedSales(2000.0, 20), 9);

    [Fact]
    public void ExpectedSales_LargePositionAboveLargeMean_ApproachesTheMean() =>
        Assert.Equal(1000.0, SellThrough.ExpectedSales(1000.0, 5000), 6);

    [Fact]
    public void Tail_ZeroMean_NothingSells()
    {
        Assert.Equal(0.0, SellThrough.Tail(0, 1));
        Assert.Equal(0.0, SellThrough.ExpectedSales(0, 10));
    }

    [Fact]
    public void Tail_IsNonIncreasingInRank()
    {
        foreach (var mu in new[] { 0.3, 4.0, 37.5, 650.0, 900.0 })
        {
            var previous = 1.0;
            for (var k = 1; k < 1200; k++)
            {
                var tail = SellThrough.Tail(mu, k);
                Assert.True(tail <= previous + 1e-15, $"mu {mu} k {k}: {tail} > {previous}");
                previous = tail;
            }
        }
    }

    [Fact]
    public void ExpectedSales_AgreesWithDirectPmfSumAcrossTheLinearAndLogSpaceBoundary()
    {
        foreach (var mu in new[] { 599.0, 601.0 })
        {
            // E[min(D, x)] = sum_j min(j, x) pmf(j), pmf in log space with an independent log-gamma.
            var x = 610;
            var expected = 0.0;
            for (var j = 0; j < 2000; j++)
            {
                var logPmf = -mu + (j * Math.Log(mu)) - LogFactorial(j);
                expected += Math.Min(j, x) * Math.Exp(logPmf);
            }

            Assert.Equal(expected, SellThrough.ExpectedSales(mu, x), 7);
        }
    }

    private static double LogFactorial(int n)
    {
        var sum = 0.0;
        for (var i = 2; i <= n; i++)
        {
            sum += Math.Log(i);
        }

        return sum;
    }
}
