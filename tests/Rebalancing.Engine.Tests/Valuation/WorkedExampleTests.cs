using Rebalancing.Engine.Valuation;

namespace Rebalancing.Engine.Tests.Valuation;

/// <summary>Every position value of the worked example (docs/worked-example.md), computed by the engine.</summary>
public class WorkedExampleTests
{
    private const double Price = 1000;
    private const double Markdown = 0.5;

    [Theory]
    [InlineData(0, 0.0, 0.00)]
    [InlineData(3, 0.0, 1500.00)]
    [InlineData(6, 8.0, 5824.82)]
    [InlineData(9, 16.0, 8981.06)]
    [InlineData(4, 16.0, 3999.94)]
    [InlineData(9, 1.0, 5000.00)]
    [InlineData(6, 1.0, 3499.95)]
    [InlineData(1, 1.0, 816.06)]
    [InlineData(10, 0.0, 5000.00)]
    [InlineData(7, 0.0, 3500.00)]
    public void PositionValue_MatchesTheWorkedExample(int position, double mu, double expected) =>
        Assert.Equal(expected, Math.Round(PositionValue.Of(position, Price, Markdown, mu), 2));

    [Fact]
    public void Mean_FragmentHalvesDemand()
    {
        // S1 RUN-7: sales_4w 8 -> 2 per week, 8 weeks, a fragment before the plan.
        Assert.Equal(8.0, PositionValue.Mean(2.0, 8.0, viable: false, fragmentDemandFactor: 0.5));
        Assert.Equal(16.0, PositionValue.Mean(2.0, 8.0, viable: true, fragmentDemandFactor: 0.5));
    }

    [Fact]
    public void HorizonWeeks_IsCappedBySeasonEndAndNeverNegative()
    {
        var asOf = new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(2.0, PositionValue.HorizonWeeks(8, asOf, new DateOnly(2026, 12, 4)), 12);
        Assert.Equal(8.0, PositionValue.HorizonWeeks(8, asOf, new DateOnly(2027, 6, 1)));
        Assert.Equal(0.0, PositionValue.HorizonWeeks(8, asOf, new DateOnly(2026, 1, 1)));
        Assert.Equal(8.0, PositionValue.HorizonWeeks(8, asOf, null));
    }

    [Fact]
    public void HorizonWeeks_MeasuresToMidnightUtcOfTheSeasonEnd()
    {
        var asOf = new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal(6.5 / 7.0, PositionValue.HorizonWeeks(8, asOf, new DateOnly(2026, 11, 27)), 12);
    }
}
