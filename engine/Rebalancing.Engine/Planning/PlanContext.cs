using Rebalancing.Engine.Model;
using Rebalancing.Engine.Policies;
using Rebalancing.Engine.Valuation;

namespace Rebalancing.Engine.Planning;

/// <summary>
/// Everything a plan needs that does not change while planning, laid out as arrays. A <em>cell</em> is a
/// (node, SKU) the engine may value or move: every inventory row, plus, at a store, every other size of a style it
/// stocks (a size it may receive). A <em>block</em> is the cells of one (node, style), contiguous and in size order,
/// so size-run viability is a scan of one small range.
/// </summary>
internal sealed partial class PlanContext
{
    public PlanContext(Snapshot snapshot, Policy policy)
    {
        Snapshot = snapshot;
        Policy = policy;
        Freight = new FreightTable(snapshot);
        var nodes = snapshot.Nodes;
        var products = snapshot.Products;

        NodeMask = nodes.Select(n => policy.NodeMask(n.Cluster, n.Id)).ToArray();
        ProductMask = products.Select(p => policy.ProductMask(p.Category, p.Style)).ToArray();
        var skuLevelNodeMask = policy.NodeMask(null, "\0any-node");
        var productNeutralMask = policy.ProductMask(null, "\0any-style");
        NodePolicy = NodeMask.Select(m => policy.ResolveMask(m & productNeutralMask)).ToArray();
        SkuPolicy = ProductMask.Select(m => policy.ResolveMask(m & skuLevelNodeMask)).ToArray();

        NodeIsStore = [.. nodes.Select(n => n.IsStore)];
        NodeShipEnabled = [.. nodes.Select(n => n.ShipEnabled)];
        NodeReceiveEnabled = [.. nodes.Select(n => n.ReceiveEnabled)];
        NodeCluster = [.. nodes.Select(n => n.ClusterIndex)];
        NodeCapacity = [.. nodes.Select(n => n.CapacityUnits ?? long.MaxValue)];
        SkuIsEol = [.. products.Select(p => p.Lifecycle == Lifecycle.Eol)];
        NodeRank = OrdinalRanks(nodes.Length, i => nodes[i].Id);
        SkuRank = OrdinalRanks(products.Length, i => products[i].Sku);
        BuildCells();
        BuildSkuCells();
        BuildClusterSkuCells();
        routeRows = new RoutePrice[]?[nodes.Length];
        InitialNodeLoad = new long[nodes.Length];
        var inventory = snapshot.Inventory;
        for (var row = 0; row < inventory.Count; row++)
        {
            InitialNodeLoad[inventory.Node[row]] += (long)inventory.OnHand[row] + inventory.InTransit[row];
        }

        BuildRecentMoveLimits();
    }

    public Snapshot Snapshot { get; }

    public Policy Policy { get; }

    public FreightTable Freight { get; }

    public ulong[] NodeMask { get; }

    public ulong[] ProductMask { get; }

    /// <summary>Per node: the policy of overrides that name no product (route-level keys: freight, route caps).</summary>
    public PolicySettings[] NodePolicy { get; }

    /// <summary>Per SKU: the policy of overrides that name no node (network-wide keys: the change cap).</summary>
    public PolicySettings[] SkuPolicy { get; }

    public long[] InitialNodeLoad { get; }

    // Node and product facts the passes test in their innermost loops, as flat arrays.
    public bool[] NodeIsStore { get; }

    public bool[] NodeShipEnabled { get; }

    public bool[] NodeReceiveEnabled { get; }

    public int[] NodeCluster { get; }

    /// <summary>Per node: <c>capacity_units</c>, or <see cref="long.MaxValue"/> when unlimited.</summary>
    public long[] NodeCapacity { get; }

    public bool[] SkuIsEol { get; }

    /// <summary>Each node's place among the node ids in ordinal order (files and canonical orders sort by id).</summary>
    public int[] NodeRank { get; }

    /// <summary>Each SKU's place among the SKU ids in ordinal order.</summary>
    public int[] SkuRank { get; }

    /// <summary>The effective policy of a cell's (node, SKU), resolved once when the cells are built.</summary>
    public PolicySettings PolicyOf(int cell) => CellPolicy[cell];

    public bool IsStore(int node) => NodeIsStore[node];

    /// <summary>The unit cap of a route: the smaller of the sender's and the receiver's <c>pass2.max_route_units</c>.</summary>
    public int RouteCap(int from, int to) => Math.Min(NodePolicy[from].MaxRouteUnits, NodePolicy[to].MaxRouteUnits);

    /// <summary>The cell's value at a position under the given viability (<see cref="PositionValue.Of"/>, from its table).</summary>
    public double CellValue(int cell, int position, bool viable)
    {
        if (position <= 0)
        {
            return 0.0;
        }

        var price = CellPrice[cell];
        var markdownRate = CellMarkdown[cell];
        return (position * price * (1 - markdownRate)) + (markdownRate * price * TailsOf(cell, viable).ExpectedSales(position));
    }

    /// <summary>The sell-through table of the cell's mean at full demand or as a fragment.</summary>
    public TailTable TailsOf(int cell, bool viable) => viable ? CellTailsViable[cell] : CellTailsFragment[cell];

    /// <summary>Each index's rank when the indices are sorted by their id, ordinal (the loader sorts ids already; this keeps any snapshot exact).</summary>
    private static int[] OrdinalRanks(int count, Func<int, string> id)
    {
        var order = new int[count];
        for (var i = 0; i < count; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) => string.CompareOrdinal(id(a), id(b)));
        var rank = new int[count];
        for (var r = 0; r < count; r++)
        {
            rank[order[r]] = r;
        }

        return rank;
    }
}
