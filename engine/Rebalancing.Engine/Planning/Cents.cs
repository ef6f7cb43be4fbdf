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
        var fractions = new double[shares.Length];
        var order = new int[shares.Length];
        long sum = 0;
        for (var i = 0; i < shares.Length; i++)
        {
            var raw = shares[i] * 100.0;
            var floor = (long)Math.Floor(raw);
            cents[i] = floor;
            sum += floor;
            fractions[i] = raw - floor;
            order[i] = i;
        }

        if (shares.Length == 0)
        {
            return cents;
        }

        // Largest fractions first when cents are missing, smallest first when there are too many; ties to the earlier.
        var missing = target - sum;
        if (missing >= 0)
        {
            for (var i = 0; i < fractions.Length; i++)
            {
                fractions[i] = -fractions[i];
            }
        }

        SortByKeyThenIndex(fractions, order);
        var step = missing >= 0 ? 1 : -1;
        for (var k = 0; k < Math.Abs(missing); k++)
        {
            cents[order[k % order.Length]] += step;
        }

        return cents;
    }

    /// <summary>
    /// Sorts <paramref name="order"/> by <paramref name="keys"/> (the fractions, negated when the largest go first) and
    /// equal keys by index: the primitive key sort (no comparison delegate) is not stable, so each run of equal keys
    /// is then put back in index order.
    /// </summary>
    private static void SortByKeyThenIndex(double[] keys, int[] order)
    {
        Array.Sort(keys, order);
        for (var start = 0; start < keys.Length;)
        {
            var end = start + 1;
            while (end < keys.Length && keys[end] == keys[start])
            {
                end++;
            }

            if (end - start > 1)
            {
                Array.Sort(order, start, end - start);
            }

            start = end;
        }
    }

    private static long ToCents(double value) => (long)Math.Round(value * 100.0, MidpointRounding.AwayFromZero);
}
