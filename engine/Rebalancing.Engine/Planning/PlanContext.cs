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
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, RoutePrice> routePrices = new();

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

        BuildCells();
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

    /// <summary>The effective policy of a cell's (node, SKU), resolved once when the cells are built.</summary>
    public PolicySettings PolicyOf(int cell) => CellPolicy[cell];

    public bool IsStore(int node) => Snapshot.Nodes[node].Type == NodeType.Store;

    /// <summary>The price of a route with the sender's freight defaults (cached: passes ask for the same routes often).</summary>
    public RoutePrice Route(int from, int to)
    {
        var key = ((long)from << 32) | (uint)to;
        if (routePrices.TryGetValue(key, out var price))
        {
            return price;
        }

        var p = NodePolicy[from];
        price = Freight.Price(from, to, p.FreightDefaultCostPerUnit, p.FreightCostPerUnitPerKm, p.FreightDefaultCostPerShipment);
        routePrices.TryAdd(key, price);
        return price;
    }

    /// <summary>The unit cap of a route: the smaller of the sender's and the receiver's <c>pass2.max_route_units</c>.</summary>
    public int RouteCap(int from, int to) => Math.Min(NodePolicy[from].MaxRouteUnits, NodePolicy[to].MaxRouteUnits);

    /// <summary>The cell's value at a position under the given viability.</summary>
    public double CellValue(int cell, int position, bool viable) =>
        PositionValue.Of(position, CellPrice[cell], CellMarkdown[cell], viable ? CellMeanViable[cell] : CellMeanFragment[cell]);
}
