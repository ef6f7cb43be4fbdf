using Rebalancing.Engine.Valuation;

namespace Rebalancing.Engine.Planning;

/// <summary>
/// Reads <see cref="SellThrough.Tail"/> for ranks in increasing order from one walk, so a cell whose position moves
/// up one unit at a time pays O(1) per unit instead of O(k) per call.
/// </summary>
/// <remarks>
/// Every value is bit-identical to <c>SellThrough.Tail(mu, k)</c>: the same <see cref="SellThrough.TailWalker"/>
/// steps, 1 for ranks below 1, 0 for every rank when <c>mu &lt;= 0</c>, and 0 from the first zero step on (Tail stops
/// walking there, even where a later step would be positive again).
/// </remarks>
internal struct TailCursor
{
    private readonly bool noDemand;
    private SellThrough.TailWalker walker;
    private double current;
    private int rank;
    private bool exhausted;

    public TailCursor(double mu)
    {
        // Written as Tail tests it, so a NaN mean walks just as Tail would.
        noDemand = mu <= 0;
        walker = noDemand ? default : new SellThrough.TailWalker(mu);
        current = 1.0;
        rank = 0;
        exhausted = false;
    }

    /// <summary><c>SellThrough.Tail(mu, k)</c>; <paramref name="k"/> never below the largest rank asked before (when at least 1).</summary>
    public double TailAt(int k)
    {
        if (k <= 0)
        {
            return 1.0;
        }

        if (noDemand)
        {
            return 0.0;
        }

        if (exhausted)
        {
            return 0.0;
        }

        while (rank < k)
        {
            current = walker.Next();
            rank++;
            if (current == 0)
            {
                exhausted = true;
                return 0.0;
            }
        }

        return current;
    }
}
