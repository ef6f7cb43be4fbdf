namespace Rebalancing.Engine.Valuation;

/// <summary>
/// Poisson sell-through: the probability that the k-th unit of a position sells at full price,
/// <c>p(k) = P(D &gt;= k)</c> for <c>D ~ Poisson(mu)</c>, and the expected full-price sales <c>E[min(D, x)]</c>.
/// </summary>
/// <remarks>
/// Stable for small and large means: the probability mass is built by the recurrence
/// <c>pmf(j) = pmf(j-1) * mu / j</c> from <c>exp(-mu)</c> while that does not underflow, and in log space
/// (<c>-mu + j ln mu - ln j!</c>) beyond it, so a mean of 0.001 or 5,000 gives tails accurate to about 1e-13.
/// Tails below 1e-18 are taken as zero, which moves any value by less than a millionth of a currency unit.
/// </remarks>
public static class SellThrough
{
    private const double NegligibleTail = 1e-18;
    private const double LinearRecurrenceLimit = 600.0;
    private static readonly double[] LogFactorials = BuildLogFactorials(4096);

    /// <summary><c>P(D &gt;= k)</c> for <c>D ~ Poisson(mu)</c>.</summary>
    /// <param name="mu">The mean demand over the horizon (&gt;= 0).</param>
    /// <param name="k">The unit's rank (&gt;= 0).</param>
    /// <returns>The tail probability.</returns>
    public static double Tail(double mu, int k)
    {
        if (k <= 0)
        {
            return 1.0;
        }

        if (mu <= 0)
        {
            return 0.0;
        }

        var walker = new TailWalker(mu);
        var tail = 1.0;
        for (var j = 1; j <= k; j++)
        {
            tail = walker.Next();
            if (tail == 0)
            {
                break;
            }
        }

        return tail;
    }

    /// <summary>Expected full-price sales of a position: <c>sum over k = 1..x of P(D &gt;= k)</c> = <c>E[min(D, x)]</c>.</summary>
    /// <param name="mu">The mean demand over the horizon (&gt;= 0).</param>
    /// <param name="x">The position (units; negative counts as 0).</param>
    /// <returns>Expected units sold at full price.</returns>
    public static double ExpectedSales(double mu, int x)
    {
        if (x <= 0 || mu <= 0)
        {
            return 0.0;
        }

        var walker = new TailWalker(mu);
        var sum = 0.0;
        for (var k = 1; k <= x; k++)
        {
            var tail = walker.Next();
            if (tail == 0)
            {
                break;
            }

            sum += tail;
        }

        return sum;
    }

    /// <summary><c>1 - exp(-mu)</c>, by its series where the subtraction would lose digits.</summary>
    private static double OneMinusExpNeg(double mu) =>
        mu < 1e-4 ? mu * (1 - (mu / 2 * (1 - (mu / 3 * (1 - (mu / 4)))))) : 1.0 - Math.Exp(-mu);

    /// <summary>
    /// Fills <paramref name="tails"/> with <c>P(D &gt;= first), P(D &gt;= first + 1), ...</c> in one walk: O(first + count)
    /// instead of O(count x first) for separate <see cref="Tail"/> calls.
    /// </summary>
    /// <param name="mu">The mean demand over the horizon.</param>
    /// <param name="first">The first rank (values below 1 give 1).</param>
    /// <param name="tails">Where to write the tails.</param>
    internal static void Tails(double mu, int first, Span<double> tails)
    {
        if (mu <= 0)
        {
            for (var i = 0; i < tails.Length; i++)
            {
                tails[i] = first + i <= 0 ? 1.0 : 0.0;
            }

            return;
        }

        var walker = new TailWalker(mu);
        var k = 0;
        var current = 1.0;
        for (var i = 0; i < tails.Length; i++)
        {
            var rank = first + i;
            while (k < rank)
            {
                current = walker.Next();
                k++;
            }

            tails[i] = rank <= 0 ? 1.0 : current;
        }
    }

    /// <summary>Natural log of <c>n!</c>.</summary>
    /// <param name="n">A non-negative integer.</param>
    /// <returns><c>ln n!</c>.</returns>
    internal static double LogFactorial(int n)
    {
        if (n < LogFactorials.Length)
        {
            return LogFactorials[n];
        }

        // Stirling's series; at n >= 4096 its error is far below double precision.
        double x = n + 1;
        return ((x - 0.5) * Math.Log(x)) - x + (0.5 * Math.Log(2 * Math.PI)) + (1.0 / (12 * x)) - (1.0 / (360 * x * x * x));
    }

    private static double[] BuildLogFactorials(int count)
    {
        var table = new double[count];
        for (var i = 1; i < count; i++)
        {
            table[i] = table[i - 1] + Math.Log(i);
        }

        return table;
    }

    /// <summary>Walks <c>P(D &gt;= 1), P(D &gt;= 2), ...</c> in O(1) per step (amortised).</summary>
    /// <remarks>
    /// Below the mean the tail is near 1 and is carried as <c>tail - pmf(j)</c>; at the first rank past the mean the
    /// upper tail is summed directly, so tails far above the mean keep their relative precision instead of becoming
    /// the rounding noise of <c>1 - P(D &lt; k)</c>.
    /// </remarks>
    internal struct TailWalker
    {
        private readonly double mu;
        private readonly double logMu;
        private readonly bool logSpace;
        private readonly double cutoff;
        private double tail;
        private double pmf;
        private bool upper;
        private int j;

        public TailWalker(double mu)
        {
            this.mu = mu;
            logMu = Math.Log(mu);
            logSpace = mu > LinearRecurrenceLimit;
            pmf = logSpace ? Mass(0) : Math.Exp(-mu);
            tail = 1.0;
            upper = false;
            j = 0;

            // Beyond mu + 40 sd + 50 the tail is far below 1e-18.
            cutoff = mu + (40 * Math.Sqrt(mu)) + 50;
        }

        /// <summary>Returns <c>P(D &gt;= j + 1)</c> and advances.</summary>
        public double Next()
        {
            if (j > cutoff)
            {
                return 0.0;
            }

            if (!upper && j >= mu)
            {
                upper = true;
                tail = UpperTail(j);
            }

            if (j == 0)
            {
                // P(D >= 1) = 1 - exp(-mu), by its series for tiny mu where the subtraction would lose digits.
                tail = OneMinusExpNeg(mu);
            }
            else
            {
                tail -= pmf;
            }

            j++;
            pmf = logSpace ? Mass(j) : pmf * mu / j;
            return tail < NegligibleTail && j > mu ? 0.0 : Math.Max(tail, 0.0);
        }

        private readonly double Mass(int k) => Math.Exp(-mu + (k * logMu) - LogFactorial(k));

        /// <summary><c>P(D &gt;= k)</c> summed upward from k until the terms vanish.</summary>
        private readonly double UpperTail(int k)
        {
            var sum = 0.0;
            var term = logSpace ? Mass(k) : pmf;
            for (var i = k; i <= cutoff && term > 0; i++)
            {
                sum += term;
                term = logSpace ? Mass(i + 1) : term * mu / (i + 1);
                if (term < sum * 1e-18)
                {
                    break;
                }
            }

            return sum;
        }
    }
}
