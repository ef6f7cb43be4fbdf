namespace Rebalancing.Engine.Planning;

internal sealed partial class PlanContext
{
    /// <summary>(node, SKU) pairs that received within their cool-down window: they do not send the SKU.</summary>
    public HashSet<(int Node, int Sku)> ReceivedRecently { get; } = [];

    /// <summary>(node, SKU) pairs that sent within their cool-down window: they do not receive the SKU.</summary>
    public HashSet<(int Node, int Sku)> SentRecently { get; } = [];

    /// <summary>Per cell: <see cref="ReceivedRecently"/> holds its (node, SKU), so it may not send.</summary>
    public bool[] CellReceivedRecently { get; private set; } = [];

    /// <summary>Per cell: <see cref="SentRecently"/> holds its (node, SKU), so it may not receive.</summary>
    public bool[] CellSentRecently { get; private set; } = [];

    /// <summary>Units of each SKU the change cap still allows in this plan (int.MaxValue without a cap).</summary>
    public int[] ChangeCapLeft { get; private set; } = [];

    private void BuildRecentMoveLimits()
    {
        var asOf = Snapshot.Header.AsOf;
        var products = Snapshot.Products;
        var used = new long[products.Length];
        foreach (var move in Snapshot.RecentMoves)
        {
            var sku = Snapshot.SkuIndex[move.Sku];
            var from = Snapshot.NodeIndex[move.FromNode];
            var to = Snapshot.NodeIndex[move.ToNode];
            var age = (asOf - move.AppliedAt).TotalDays;
            if (age < Policy.ResolveMask(NodeMask[to] & ProductMask[sku]).CooldownDays)
            {
                ReceivedRecently.Add((to, sku));
            }

            if (age < Policy.ResolveMask(NodeMask[from] & ProductMask[sku]).CooldownDays)
            {
                SentRecently.Add((from, sku));
            }

            if (age < SkuPolicy[sku].CooldownDays)
            {
                used[sku] += move.Quantity;
            }

        }

        CellReceivedRecently = CellFlags(ReceivedRecently);
        CellSentRecently = CellFlags(SentRecently);
        ChangeCapLeft = new int[products.Length];
        for (var s = 0; s < products.Length; s++)
        {
            ChangeCapLeft[s] = SkuPolicy[s].ChangeCapUnitsPerSku is { } cap ? (int)Math.Max(0, cap - used[s]) : int.MaxValue;
        }
    }

    private bool[] CellFlags(HashSet<(int Node, int Sku)> pairs)
    {
        var flags = new bool[CellCount];
        foreach (var (node, sku) in pairs)
        {
            var cell = CellOf(node, sku);
            if (cell >= 0)
            {
                flags[cell] = true;
            }
        }

        return flags;
    }
}
