using FsCheck;
using FsCheck.Fluent;
using Rebalancing.Engine.Synthetic;

namespace Rebalancing.Engine.Tests.Synthetic;

public sealed class PrngTests
{
    [Fact]
    public void SplitMix64_SeedZero_MatchesTheReferenceSequence()
    {
        ulong state = 0;

        Assert.Equal(0xE220A8397B1DCDAFUL, SplitMix64.Next(ref state));
        Assert.Equal(0x6E789E6AA1B965F4UL, SplitMix64.Next(ref state));
        Assert.Equal(0x06C45D188009454FUL, SplitMix64.Next(ref state));
    }

    [Fact]
    public void For_SameArguments_GivesTheSameSequence()
    {
        var a = Prng.For(42, RandomStream.StoreInventory, 3, 7);
        var b = Prng.For(42, RandomStream.StoreInventory, 3, 7);

        for (int i = 0; i < 100; i++)
        {
            Assert.Equal(a.NextUInt64(), b.NextUInt64());
        }
    }

    [Fact]
    public void For_DifferentStreamOrIndex_GivesDifferentSequences()
    {
        ulong first = Prng.For(42, RandomStream.StoreInventory, 3, 7).NextUInt64();

        Assert.NotEqual(first, Prng.For(42, RandomStream.WarehouseInventory, 3, 7).NextUInt64());
        Assert.NotEqual(first, Prng.For(42, RandomStream.StoreInventory, 7, 3).NextUInt64());
        Assert.NotEqual(first, Prng.For(43, RandomStream.StoreInventory, 3, 7).NextUInt64());
    }

    [Fact]
    public void NextInt_AnyRange_StaysInRange()
    {
        Prop.ForAll<long, int, int>((seed, min, span) =>
        {
            int lo = min % 1_000_000;
            int hi = lo + Math.Abs(span % 1000);
            var rng = new Prng((ulong)seed);
            for (int i = 0; i < 20; i++)
            {
                Assert.InRange(rng.NextInt(lo, hi), lo, hi);
            }
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void NextDouble_Always_IsInTheUnitInterval()
    {
        var rng = new Prng(7);

        for (int i = 0; i < 10_000; i++)
        {
            Assert.InRange(rng.NextDouble(), 0.0, 0.9999999999999999);
        }
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(4.0)]
    [InlineData(25.0)]
    [InlineData(120.0)]
    public void NextPoisson_ManyDraws_HaveTheRequestedMeanAndVariance(double mean)
    {
        var rng = new Prng(11);
        const int n = 20_000;
        double sum = 0;
        double sumSquares = 0;
        for (int i = 0; i < n; i++)
        {
            int x = rng.NextPoisson(mean);
            Assert.True(x >= 0);
            sum += x;
            sumSquares += (double)x * x;
        }

        double average = sum / n;
        double variance = (sumSquares / n) - (average * average);
        Assert.InRange(average, mean * 0.95, (mean * 1.05) + 0.01);
        Assert.InRange(variance, mean * 0.9, (mean * 1.1) + 0.01);
    }

    [Fact]
    public void NextStandardNormal_ManyDraws_HaveMeanZeroAndUnitVariance()
    {
        var rng = new Prng(5);
        const int n = 20_000;
        double sum = 0;
        double sumSquares = 0;
        for (int i = 0; i < n; i++)
        {
            double z = rng.NextStandardNormal();
            sum += z;
            sumSquares += z * z;
        }

        Assert.InRange(sum / n, -0.03, 0.03);
        Assert.InRange(sumSquares / n, 0.95, 1.05);
    }

    [Fact]
    public void NextWeighted_ZeroWeight_IsNeverPicked()
    {
        var rng = new Prng(3);

        for (int i = 0; i < 1000; i++)
        {
            Assert.NotEqual(1, rng.NextWeighted([5, 0, 5]));
        }
    }

    [Theory]
    [InlineData(-700.0)]
    [InlineData(-30.0)]
    [InlineData(-1.5)]
    [InlineData(0.0)]
    [InlineData(0.3466)]
    [InlineData(2.5)]
    [InlineData(40.0)]
    public void Exp_AnyArgument_AgreesWithMathExp(double x)
    {
        double expected = Math.Exp(x);

        Assert.Equal(expected, DeterministicMath.Exp(x), expected * 1e-14);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.457)]
    [InlineData(0.6)]
    [InlineData(1.2)]
    public void Cos_LatitudeRange_AgreesWithMathCos(double radians)
    {
        Assert.Equal(Math.Cos(radians), DeterministicMath.Cos(radians), 1e-14);
    }
}
