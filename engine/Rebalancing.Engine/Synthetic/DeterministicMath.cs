namespace Rebalancing.Engine.Synthetic;

/// <summary>
/// Exponential and cosine from IEEE-754 basic operations only. <see cref="Math.Exp"/> and
/// <see cref="Math.Cos"/> call the platform's C library, whose last bit may differ between
/// machines; the generator promises byte-identical files everywhere.
/// </summary>
internal static class DeterministicMath
{
    private const double Ln2 = 0.69314718055994530942;

    // ln 2 split as in fdlibm: k * Ln2Hi is exact for |k| < 2^11, keeping r accurate.
    private const double Ln2Hi = 6.93147180369123816490e-01;
    private const double Ln2Lo = 1.90821492927058770002e-10;

    /// <summary>e raised to <paramref name="x"/>, to within a few ulps.</summary>
    public static double Exp(double x)
    {
        if (x < -700)
        {
            return 0;
        }

        if (x > 700)
        {
            return double.MaxValue;
        }

        // x = k ln2 + r with |r| <= ln2 / 2; exp(r) by its Taylor series; times 2^k exactly.
        double k = Math.Round(x / Ln2);
        double r = (x - (k * Ln2Hi)) - (k * Ln2Lo);
        double term = 1;
        double sum = 1;
        for (int n = 1; n <= 20; n++)
        {
            term *= r / n;
            sum += term;
        }

        return Math.ScaleB(sum, (int)k);
    }

    /// <summary>Cosine of <paramref name="radians"/>, for |radians| up to about 2 (latitudes).</summary>
    public static double Cos(double radians)
    {
        double x2 = radians * radians;
        double term = 1;
        double sum = 1;
        for (int n = 1; n <= 14; n++)
        {
            term *= -x2 / ((2 * n - 1) * (2 * n));
            sum += term;
        }

        return sum;
    }
}
