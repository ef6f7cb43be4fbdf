using System.Collections.Immutable;

namespace Rebalancing.Engine.Model;

/// <summary>
/// A validated, immutable as-of picture of one organisation's network. Nodes, products, styles and clusters are
/// sorted ordinally by their keys and referred to by index, so that nothing about the input files' row order
/// reaches a plan.
/// </summary>
public sealed class Snapshot
{
    internal Snapshot(
        SnapshotHeader header,
        ImmutableArray<string> clusters,
        ImmutableArray<Node> nodes,
        ImmutableArray<Product> products,
        ImmutableArray<string> styles,
        ImmutableArray<ImmutableArray<int>> styleSkus,
        InventoryTable inventory,
        ImmutableArray<FreightRate> freight,
        ImmutableArray<RecentMove> recentMoves)
    {
        Header = header;
        Clusters = clusters;
        Nodes = nodes;
        Products = products;
        Styles = styles;
        StyleSkus = styleSkus;
        Inventory = inventory;
        Freight = freight;
        RecentMoves = recentMoves;
        NodeIndex = Index(nodes.Select(n => n.Id));
        SkuIndex = Index(products.Select(p => p.Sku));
    }

    /// <summary>The snapshot's header (<c>snapshot.json</c>).</summary>
    public SnapshotHeader Header { get; }

    /// <summary>Cluster names, sorted ordinally.</summary>
    public ImmutableArray<string> Clusters { get; }

    /// <summary>Nodes, sorted ordinally by id.</summary>
    public ImmutableArray<Node> Nodes { get; }

    /// <summary>Products, sorted ordinally by SKU.</summary>
    public ImmutableArray<Product> Products { get; }

    /// <summary>Style names, sorted ordinally.</summary>
    public ImmutableArray<string> Styles { get; }

    /// <summary>For each style, its SKU indices in size order.</summary>
    public ImmutableArray<ImmutableArray<int>> StyleSkus { get; }

    /// <summary>Inventory rows, sorted by (node, SKU).</summary>
    public InventoryTable Inventory { get; }

    /// <summary>Freight rows, sorted by their key.</summary>
    public ImmutableArray<FreightRate> Freight { get; }

    /// <summary>Recent moves, sorted by (applied at, SKU, from, to, quantity).</summary>
    public ImmutableArray<RecentMove> RecentMoves { get; }

    /// <summary>Node id to index.</summary>
    public IReadOnlyDictionary<string, int> NodeIndex { get; }

    /// <summary>SKU to index.</summary>
    public IReadOnlyDictionary<string, int> SkuIndex { get; }

    private static Dictionary<string, int> Index(IEnumerable<string> keys)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            index.Add(key, index.Count);
        }

        return index;
    }
}
