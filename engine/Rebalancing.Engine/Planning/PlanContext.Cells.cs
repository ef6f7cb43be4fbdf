using Rebalancing.Engine.Model;
using Rebalancing.Engine.Policies;
using Rebalancing.Engine.Valuation;

namespace Rebalancing.Engine.Planning;

internal sealed partial class PlanContext
{
    public int CellCount { get; private set; }

    public int[] CellNode { get; private set; } = [];

    public int[] CellSku { get; private set; } = [];

    /// <summary>The inventory row of the cell, or -1 for a size the store holds no row of.</summary>
    public int[] CellRow { get; private set; } = [];

    public int[] CellBlock { get; private set; } = [];

    /// <summary>on_hand + in_transit at the start (counts for presence and capacity).</summary>
    public int[] CellStock { get; private set; } = [];

    /// <summary>Each cell's effective policy (equal settings share one instance).</summary>
    public PolicySettings[] CellPolicy { get; private set; } = [];

    /// <summary>on_hand + in_transit - reserved at the start (the position that can sell).</summary>
    public int[] CellPosition { get; private set; } = [];

    public int[] CellMovable { get; private set; } = [];

    public double[] CellRate { get; private set; } = [];

    public double[] CellPrice { get; private set; } = [];

    public double[] CellMarkdown { get; private set; } = [];

    public double[] CellMeanViable { get; private set; } = [];

    public double[] CellMeanFragment { get; private set; } = [];

    /// <summary>Each cell's sell-through at <see cref="CellMeanViable"/> (cells of equal mean share one table).</summary>
    public TailTable[] CellTailsViable { get; private set; } = [];

    /// <summary>Each cell's sell-through at <see cref="CellMeanFragment"/>.</summary>
    public TailTable[] CellTailsFragment { get; private set; } = [];

    public int BlockCount { get; private set; }

    /// <summary>Cells of block b are <c>BlockStart[b] .. BlockStart[b + 1] - 1</c>.</summary>
    public int[] BlockStart { get; private set; } = [];

    public int[] BlockNode { get; private set; } = [];

    public int[] BlockStyle { get; private set; } = [];

    /// <summary>Sizes in a row that make the style viable here: min(min_viable_run, sizes of the style).</summary>
    public int[] BlockRunNeeded { get; private set; } = [];

    /// <summary>Whether any SKU of the block's style has demand at its node.</summary>
    public bool[] BlockHasDemand { get; private set; } = [];

    /// <summary>Blocks of each style: <c>StyleBlocks[StyleBlockStart[s] .. StyleBlockStart[s + 1] - 1]</c>, by node.</summary>
    public int[] StyleBlockStart { get; private set; } = [];

    public int[] StyleBlocks { get; private set; } = [];

    private Dictionary<long, int> blockOf = [];

    /// <summary>The block of a (node, style), or -1.</summary>
    public int BlockOf(int node, int style) => blockOf.TryGetValue(((long)node << 32) | (uint)style, out var b) ? b : -1;

    /// <summary>The cell of a (node, SKU), or -1 when the engine does not consider that pair.</summary>
    public int CellOf(int node, int sku)
    {
        var block = BlockOf(node, Snapshot.Products[sku].StyleIndex);
        if (block < 0)
        {
            return -1;
        }

        for (var c = BlockStart[block]; c < BlockStart[block + 1]; c++)
        {
            if (CellSku[c] == sku)
            {
                return c;
            }
        }

        return -1;
    }

    /// <summary>The distinct values of a sorted list, compacted in place.</summary>
    private static Span<int> DistinctSorted(List<int> sorted)
    {
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(sorted);
        var count = 0;
        for (var i = 0; i < span.Length; i++)
        {
            if (count == 0 || span[count - 1] != span[i])
            {
                span[count++] = span[i];
            }
        }

        return span[..count];
    }

    private void BuildCells()
    {
        var snapshot = Snapshot;
        var inventory = snapshot.Inventory;
        var products = snapshot.Products;
        var asOf = snapshot.Header.AsOf;
        var rowOfSku = new int[products.Length];
        Array.Fill(rowOfSku, -1);

        // Cells are about the rows plus the sizes a store lacks of the styles it stocks: start with room for both.
        var node = new List<int>(inventory.Count * 3 / 2);
        var sku = new List<int>(inventory.Count * 3 / 2);
        var rowList = new List<int>(inventory.Count * 3 / 2);
        var blockStart = new List<int>(inventory.Count / 2);
        var blockNode = new List<int>(inventory.Count / 2);
        var blockStyle = new List<int>(inventory.Count / 2);
        var styleScratch = new List<int>();
        var row = 0;
        for (var n = 0; n < snapshot.Nodes.Length; n++)
        {
            var first = row;
            styleScratch.Clear();
            while (row < inventory.Count && inventory.Node[row] == n)
            {
                rowOfSku[inventory.Sku[row]] = row;
                styleScratch.Add(products[inventory.Sku[row]].StyleIndex);
                row++;
            }

            styleScratch.Sort();
            var styles = DistinctSorted(styleScratch);
            var isStore = snapshot.Nodes[n].IsStore;
            foreach (var style in styles)
            {
                blockStart.Add(node.Count);
                blockNode.Add(n);
                blockStyle.Add(style);
                foreach (var s in snapshot.StyleSkus[style])
                {
                    // A store may receive any size of a style it stocks; a warehouse only sends what it holds rows of.
                    if (isStore || rowOfSku[s] >= 0)
                    {
                        node.Add(n);
                        sku.Add(s);
                        rowList.Add(rowOfSku[s]);
                    }
                }
            }

            for (var r = first; r < row; r++)
            {
                rowOfSku[inventory.Sku[r]] = -1;
            }
        }

        blockStart.Add(node.Count);
        CellCount = node.Count;
        CellNode = [.. node];
        CellSku = [.. sku];
        CellRow = [.. rowList];
        BlockCount = blockNode.Count;
        BlockStart = [.. blockStart];
        BlockNode = [.. blockNode];
        BlockStyle = [.. blockStyle];
        CellBlock = new int[CellCount];
        for (var b = 0; b < BlockCount; b++)
        {
            CellBlock.AsSpan(BlockStart[b], BlockStart[b + 1] - BlockStart[b]).Fill(b);
        }

        blockOf = new Dictionary<long, int>(BlockCount, PackedKeyComparer.Instance);
        for (var b = 0; b < BlockCount; b++)
        {
            blockOf.Add(((long)BlockNode[b] << 32) | (uint)BlockStyle[b], b);
        }

        CellPolicy = new PolicySettings[CellCount];
        for (var c = 0; c < CellCount; c++)
        {
            CellPolicy[c] = Policy.ResolveMask(NodeMask[CellNode[c]] & ProductMask[CellSku[c]]);
        }

        CellStock = new int[CellCount];
        CellPosition = new int[CellCount];
        CellMovable = new int[CellCount];
        CellRate = new double[CellCount];
        CellPrice = new double[CellCount];
        CellMarkdown = new double[CellCount];
        CellMeanViable = new double[CellCount];
        CellMeanFragment = new double[CellCount];
        for (var c = 0; c < CellCount; c++)
        {
            var policy = PolicyOf(c);
            var product = products[CellSku[c]];
            var isStore = snapshot.Nodes[CellNode[c]].IsStore;
            var r = CellRow[c];
            var onHand = r >= 0 ? inventory.OnHand[r] : 0;
            var reserved = r >= 0 ? inventory.Reserved[r] : 0;
            var rate = r >= 0 && isStore ? inventory.DemandRateOf(r) : 0.0;
            var protectedUnits = isStore ? (rate > 0 ? policy.StoreProtectedUnits : 0) : policy.WarehouseReserveUnits;
            CellStock[c] = r >= 0 ? onHand + inventory.InTransit[r] : 0;
            CellPosition[c] = CellStock[c] - reserved;
            CellMovable[c] = Math.Max(0, onHand - reserved - protectedUnits);
            CellRate[c] = rate;
            CellPrice[c] = product.UnitPrice;
            CellMarkdown[c] = policy.MarkdownRate;
            var horizon = PositionValue.HorizonWeeks(policy.HorizonWeeks, asOf, product.SeasonEnd);
            CellMeanViable[c] = PositionValue.Mean(rate, horizon, viable: true, policy.FragmentDemandFactor);
            CellMeanFragment[c] = PositionValue.Mean(rate, horizon, viable: false, policy.FragmentDemandFactor);
        }

        BuildTailTables();
        BlockRunNeeded = new int[BlockCount];
        BlockHasDemand = new bool[BlockCount];
        for (var b = 0; b < BlockCount; b++)
        {
            var sizes = snapshot.StyleSkus[BlockStyle[b]].Length;
            BlockRunNeeded[b] = Math.Min(PolicyOf(BlockStart[b]).MinViableRun, sizes);
            for (var c = BlockStart[b]; c < BlockStart[b + 1] && !BlockHasDemand[b]; c++)
            {
                BlockHasDemand[b] = CellRate[c] > 0;
            }
        }

        var styleCount = snapshot.Styles.Length;
        var counts = new int[styleCount + 1];
        foreach (var s in BlockStyle)
        {
            counts[s + 1]++;
        }

        for (var s = 0; s < styleCount; s++)
        {
            counts[s + 1] += counts[s];
        }

        StyleBlockStart = (int[])counts.Clone();
        StyleBlocks = new int[BlockCount];
        var fill = (int[])counts.Clone();
        for (var b = 0; b < BlockCount; b++)
        {
            StyleBlocks[fill[BlockStyle[b]]++] = b;
        }
    }

    /// <summary>
    /// One table per distinct mean. Demand rates come in few distinct values (weekly forecasts in cents, integer
    /// four-week sales) and horizons per season end, so tables are shared widely; past a budget of 32 M doubles
    /// (256 MB) further means walk on every call instead, with the same values.
    /// </summary>
    private void BuildTailTables()
    {
        const long budget = 32L * 1024 * 1024;
        var tables = new Dictionary<double, TailTable>();
        long kept = 0;
        TailTable TableOf(double mu)
        {
            if (!tables.TryGetValue(mu, out var table))
            {
                table = kept < budget ? TailTable.Tabulated(mu) : TailTable.Walked(mu);
                kept += table.Size;
                tables.Add(mu, table);
            }

            return table;
        }

        CellTailsViable = new TailTable[CellCount];
        CellTailsFragment = new TailTable[CellCount];
        for (var c = 0; c < CellCount; c++)
        {
            CellTailsViable[c] = TableOf(CellMeanViable[c]);
            CellTailsFragment[c] = TableOf(CellMeanFragment[c]);
        }
    }
}
