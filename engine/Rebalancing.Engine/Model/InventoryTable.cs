namespace Rebalancing.Engine.Model;

/// <summary>
/// The inventory rows of a snapshot as parallel arrays (structure of arrays), sorted by node index then SKU
/// index, so that row order in the file never reaches the plan and millions of rows stay compact.
/// </summary>
public sealed class InventoryTable
{
    internal InventoryTable(int[] node, int[] sku, int[] onHand, int[] inTransit, int[] reserved, double[] sales4w, double[] weeklyDemand)
    {
        Node = node;
        Sku = sku;
        OnHand = onHand;
        InTransit = inTransit;
        Reserved = reserved;
        Sales4w = sales4w;
        WeeklyDemand = weeklyDemand;
    }

    /// <summary>Number of rows.</summary>
    public int Count => Node.Length;

    internal int[] Node { get; }

    internal int[] Sku { get; }

    internal int[] OnHand { get; }

    internal int[] InTransit { get; }

    internal int[] Reserved { get; }

    internal double[] Sales4w { get; }

    /// <summary>Forecast units per week, or NaN when the column was empty or absent.</summary>
    internal double[] WeeklyDemand { get; }

    /// <summary>Node index of a row.</summary>
    /// <param name="row">Row index.</param>
    /// <returns>The index into <see cref="Snapshot.Nodes"/>.</returns>
    public int NodeOf(int row) => Node[row];

    /// <summary>SKU index of a row.</summary>
    /// <param name="row">Row index.</param>
    /// <returns>The index into <see cref="Snapshot.Products"/>.</returns>
    public int SkuOf(int row) => Sku[row];

    /// <summary>Units on hand.</summary>
    /// <param name="row">Row index.</param>
    /// <returns>On-hand units.</returns>
    public int OnHandOf(int row) => OnHand[row];

    /// <summary>Units in transit to the node.</summary>
    /// <param name="row">Row index.</param>
    /// <returns>In-transit units.</returns>
    public int InTransitOf(int row) => InTransit[row];

    /// <summary>Reserved units.</summary>
    /// <param name="row">Row index.</param>
    /// <returns>Reserved units.</returns>
    public int ReservedOf(int row) => Reserved[row];

    /// <summary>Demand rate in units per week: <c>weekly_demand</c> when given, else <c>sales_4w / 4</c>.</summary>
    /// <param name="row">Row index.</param>
    /// <returns>Units per week.</returns>
    public double DemandRateOf(int row)
    {
        var forecast = WeeklyDemand[row];
        return double.IsNaN(forecast) ? Sales4w[row] / 4.0 : forecast;
    }

    /// <summary>Finds the row of a (node, SKU) pair by binary search.</summary>
    /// <param name="node">Node index.</param>
    /// <param name="sku">SKU index.</param>
    /// <returns>The row index, or -1 when the pair has no row.</returns>
    public int Find(int node, int sku)
    {
        int lo = 0, hi = Node.Length - 1;
        while (lo <= hi)
        {
            var mid = (int)((uint)(lo + hi) >> 1);
            var cmp = Node[mid] != node ? Node[mid].CompareTo(node) : Sku[mid].CompareTo(sku);
            if (cmp == 0)
            {
                return mid;
            }

            if (cmp < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return -1;
    }
}
