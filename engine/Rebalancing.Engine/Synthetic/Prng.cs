namespace Rebalancing.Engine.Synthetic;

/// <summary>
/// xoshiro256** (Blackman and Vigna), seeded through SplitMix64. Only integer and
/// IEEE-754 basic arithmetic is used, so a seed yields the same sequence on every machine.
/// </summary>
/// <remarks>
/// Every generated entity draws from its own stream, derived from the options' seed, a
/// <see cref="RandomStream"/> and the entity's indices: a store's rows do not depend on
/// how many values another store drew.
/// </remarks>
internal struct Prng
{
    private const double UnitScale = 1.0 / 9007199254740992.0; // 2^-53

    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    /// <summary>Creates a generator from one 64-bit seed, expanded by SplitMix64.</summary>
    public Prng(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix64.Next(ref x);
        _s1 = SplitMix64.Next(ref x);
        _s2 = SplitMix64.Next(ref x);
        _s3 = SplitMix64.Next(ref x);
    }

    /// <summary>The generator for one entity of one stream.</summary>
    public static Prng For(long seed, RandomStream stream, long a, long b = 0) =>
        new(SplitMix64.Hash(seed, stream, a, b));

    /// <summary>A uniform value in [0, 1) that depends only on its arguments.</summary>
    public static double Unit(long seed, RandomStream stream, long a, long b = 0) =>
        (SplitMix64.Hash(seed, stream, a, b) >> 11) * UnitScale;

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        unchecked
        {
            ulong result = RotateLeft(_s1 * 5, 7) * 9;
            ulong t = _s1 << 17;
            _s2 ^= _s0;
            _s3 ^= _s1;
            _s1 ^= _s2;
            _s0 ^= _s3;
            _s2 ^= t;
            _s3 = RotateLeft(_s3, 45);
            return result;
        }
    }

    /// <summary>A uniform value in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * UnitScale;

    /// <summary>A uniform value in [min, max).</summary>
    public double NextDouble(double min, double max) => min + ((max - min) * NextDouble());

    /// <summary>True with probability <paramref name="p"/>.</summary>
    public bool Chance(double p) => NextDouble() < p;

    /// <summary>A uniform integer in [0, maxExclusive); 0 when maxExclusive is 0 or less.</summary>
    public int NextInt(int maxExclusive)
    {
        if (maxExclusive <= 1)
        {
            return 0;
        }

        // Multiply-shift (Lemire) on the top 32 bits; the bias is below 2^-32 for our ranges.
        ulong high = NextUInt64() >> 32;
        return (int)((high * (ulong)maxExclusive) >> 32);
    }

    /// <summary>A uniform integer in [min, maxInclusive].</summary>
    public int NextInt(int min, int maxInclusive) =>
        maxInclusive <= min ? min : min + NextInt(maxInclusive - min + 1);

    /// <summary>
    /// An approximately standard normal value (Irwin-Hall: the sum of 12 uniforms less 6),
    /// bounded to [-6, 6] and free of transcendental functions.
    /// </summary>
    public double NextStandardNormal()
    {
        double sum = 0;
        for (int i = 0; i < 12; i++)
        {
            sum += NextDouble();
        }

        return sum - 6.0;
    }

    /// <summary>A Poisson variate with the given mean (normal approximation above 30).</summary>
    public int NextPoisson(double mean)
    {
        if (mean <= 0)
        {
            return 0;
        }

        if (mean > 30)
        {
            double x = Math.Round(mean + (Math.Sqrt(mean) * NextStandardNormal()));
            return x <= 0 ? 0 : x >= int.MaxValue ? int.MaxValue : (int)x;
        }

        double u = NextDouble();
        double p = DeterministicMath.Exp(-mean);
        double cdf = p;
        int k = 0;
        while (u > cdf && k < 200)
        {
            k++;
            p *= mean / k;
            cdf += p;
        }

        return k;
    }

    /// <summary>An index drawn with probability proportional to its weight.</summary>
    public int NextWeighted(ReadOnlySpan<int> weights)
    {
        int total = 0;
        foreach (int w in weights)
        {
            total += w;
        }

        int pick = NextInt(total);
        for (int i = 0; i < weights.Length; i++)
        {
            pick -= weights[i];
            if (pick < 0)
            {
                return i;
            }
        }

        return weights.Length - 1;
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}

/// <summary>SplitMix64 (Steele, Lea and Flood): seeding and stateless hashing.</summary>
internal static class SplitMix64
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;

    /// <summary>Advances <paramref name="state"/> and returns the next output.</summary>
    public static ulong Next(ref ulong state)
    {
        unchecked
        {
            state += Golden;
            return Mix(state);
        }
    }

    /// <summary>The SplitMix64 finaliser: a bijective 64-bit mix.</summary>
    public static ulong Mix(ulong z)
    {
        unchecked
        {
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>A 64-bit hash of a seed, a stream and two indices.</summary>
    public static ulong Hash(long seed, RandomStream stream, long a, long b)
    {
        unchecked
        {
            ulong h = Mix((ulong)seed + Golden);
            h = Mix(h ^ ((ulong)stream * Golden));
            h = Mix(h ^ ((ulong)a + Golden));
            return Mix(h ^ ((ulong)b * 0xD1B54A32D192ED03UL));
        }
    }
}
