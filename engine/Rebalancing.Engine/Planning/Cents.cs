namespace Rebalancing.Engine.Planning;

/// <summary>
/// Rounds shares to cents so that they add up exactly to the rounded total (largest remainder: every share is
/// floored, then the missing cents go to the largest fractions, ties to the earlier share).
/// </summary>
internal static class Cents
{
    public static long[] Distribute(double[] shares, double total)
    {
        var target = ToCents(total);
        var cents = new long[shares.Length];
        var fractions = new (double Fraction, int Index)[shares.Length];
        long sum = 0;
        for (var i = 0; i < shares.Length; i++)
        {
            var raw = shares[i] * 100.0;
            var floor = (long)Math.Floor(raw);
            cents[i] = floor;
            sum += floor;
            fractions[i] = (raw - floor, i);
        }

        if (shares.Length == 0)
        {
            return cents;
        }

        var missing = target - sum;
        if (missing >= 0)
        {
            Array.Sort(fractions, (a, b) => a.Fraction != b.Fraction ? b.Fraction.CompareTo(a.Fraction) : a.Index.CompareTo(b.Index));
            for (var k = 0; k < missing; k++)
            {
                cents[fractions[k % fractions.Length].Index]++;
            }
        }
        else
        {
            Array.Sort(fractions, (a, b) => a.Fraction != b.Fraction ? a.Fraction.CompareTo(b.Fraction) : a.Index.CompareTo(b.Index));
            for (var k = 0; k < -missing; k++)
            {
                cents[fractions[k % fractions.Length].Index]--;
            }
        }

        return cents;
    }

    private static long ToCents(double value) => (long)Math.Round(value * 100.0, MidpointRounding.AwayFromZero);
}
