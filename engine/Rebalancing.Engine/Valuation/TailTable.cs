namespace Rebalancing.Engine.Valuation;

/// <summary>
/// The sell-through of one Poisson mean, walked once and kept: <c>p(k) = P(D &gt;= k)</c> for every rank until the
/// tail vanishes, and the running sums <c>E[min(D, x)]</c>. Planning asks for the same few means millions of times
/// (a cell's mean at full demand and as a fragment), so each answer becomes an array read instead of a walk.
/// </summary>
/// <remarks>
/// The values are exactly those of <see cref="SellThrough"/>: the tails are the walker's own values in order, and
/// each running sum adds them in the order <see cref="SellThrough.ExpectedSales"/> does. Past the last non-zero
/// tail every tail is zero (the walker never returns a non-zero tail after its first zero), so the tables are exact
/// for every rank, and plans and hashes are the same whether a value came from a table or from a walk.
/// </remarks>
internal sealed class TailTable
{
    private readonly double mu;
    private readonly double[]? tails;
    private readonly double[]? sums;

    private TailTable(double mu, bool tabulate)
    {
        this.mu = mu;
        if (!tabulate)
        {
            return;
        }

        // The walker returns 0 once past mu + 40 sd + 50, so the non-zero tails fit below that.
        var most = mu > 0 ? (int)Math.Min(1 << 24, mu + (40 * Math.Sqrt(mu)) + 52) : 0;
        Span<double> walked = most <= 512 ? stackalloc double[most] : new double[most];
        var count = 0;
        if (mu > 0)
        {
            var walker = new SellThrough.TailWalker(mu);
            while (count < walked.Length)
            {
                var tail = walker.Next();
                if (tail == 0)
                {
                    break;
                }

                walked[count++] = tail;
            }
        }

        tails = walked[..count].ToArray();
        sums = new double[tails.Length + 1];
        var sum = 0.0;
        for (var k = 1; k <= tails.Length; k++)
        {
            sum += tails[k - 1];
            sums[k] = sum;
        }
    }

    /// <summary>The mean demand over the horizon.</summary>
    public double Mean => mu;

    /// <summary>Doubles the table keeps (its tails and its sums; none when it walks).</summary>
    public int Size => (tails?.Length ?? 0) + (sums?.Length ?? 0);

    /// <summary>The walked and kept table of a mean.</summary>
    public static TailTable Tabulated(double mu) => new(mu, tabulate: true);

    /// <summary>A table that walks on every call (for a mean past the memory budget of kept tables).</summary>
    public static TailTable Walked(double mu) => new(mu, tabulate: false);

    /// <summary><c>P(D &gt;= k)</c>, as <see cref="SellThrough.Tail"/>.</summary>
    public double Tail(int k)
    {
        if (tails is null)
        {
            return SellThrough.Tail(mu, k);
        }

        return k <= 0 ? 1.0 : k <= tails.Length ? tails[k - 1] : 0.0;
    }

    /// <summary><c>E[min(D, x)]</c>, as <see cref="SellThrough.ExpectedSales"/>.</summary>
    public double ExpectedSales(int x)
    {
        if (sums is null)
        {
            return SellThrough.ExpectedSales(mu, x);
        }

        return x <= 0 ? 0.0 : sums[Math.Min(x, sums.Length - 1)];
    }

    /// <summary>Tails of consecutive ranks from <paramref name="first"/>, as <see cref="SellThrough.Tails"/> gives them.</summary>
    public void Tails(int first, Span<double> destination)
    {
        if (tails is null)
        {
            SellThrough.Tails(mu, first, destination);
            return;
        }

        for (var i = 0; i < destination.Length; i++)
        {
            var rank = first + i;
            destination[i] = rank <= 0 ? 1.0 : rank <= tails.Length ? tails[rank - 1] : 0.0;
        }
    }
}
