using System.Collections.Immutable;
using Rebalancing.Engine.Model;

namespace Rebalancing.Engine.Input;

/// <summary>
/// Reads and checks a snapshot (snapshot-format.md). Every file is checked and all its problems reported at once;
/// a snapshot with any error yields no <see cref="Snapshot"/>, so nothing is planned from it.
/// </summary>
public static partial class SnapshotLoader
{
    /// <summary>Loads a snapshot from its files.</summary>
    /// <param name="source">The snapshot's files.</param>
    /// <returns>The snapshot or its problems.</returns>
    public static SnapshotLoadResult Load(ISnapshotSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var problems = new List<InputProblem>();

        var header = ReadHeader(source, problems);
        // References are checked against the ids a file declares even when that file has errors (and so yields no
        // set): every problem is reported at once, and a row with a bad field does not make its id "unknown".
        var nodes = ReadNodes(source, problems, out var nodeIds);
        var products = ReadProducts(source, problems, out var skus);
        var inventory = ReadInventory(source, problems, nodes, products, nodeIds, skus);
        var freight = ReadFreight(source, problems, nodes, nodeIds);
        var recentMoves = ReadRecentMoves(source, problems, nodeIds, skus);

        if (nodes is not null && inventory is not null)
        {
            WarnAboutStoresWithoutInventory(nodes, inventory, problems);
        }

        var hasErrors = problems.Exists(p => p.Severity == ProblemSeverity.Error);
        if (hasErrors || header is null || nodes is null || products is null || inventory is null)
        {
            return new SnapshotLoadResult(null, [.. problems]);
        }

        var snapshot = new Snapshot(
            header,
            nodes.Clusters,
            nodes.Nodes,
            products.Products,
            products.Styles,
            products.StyleSkus,
            inventory,
            freight ?? [],
            recentMoves ?? []);
        return new SnapshotLoadResult(snapshot, [.. problems]);
    }

    private static void WarnAboutStoresWithoutInventory(NodeSet nodes, InventoryTable inventory, List<InputProblem> problems)
    {
        var hasRows = new bool[nodes.Nodes.Length];
        foreach (var node in inventory.Node)
        {
            hasRows[node] = true;
        }

        for (var i = 0; i < hasRows.Length; i++)
        {
            if (!hasRows[i] && nodes.Nodes[i].IsStore)
            {
                problems.Add(new InputProblem(SnapshotFiles.Nodes, nodes.Lines[i], $"store '{nodes.Nodes[i].Id}' has no inventory rows", ProblemSeverity.Warning));
            }
        }
    }

    /// <summary>Whether <paramref name="id"/> is declared; true when the declaring file could not be read (nothing to check against).</summary>
    private static bool IsDeclared(HashSet<string>? declared, string id) => declared?.Contains(id) ?? true;

    private sealed record NodeSet(ImmutableArray<Node> Nodes, ImmutableArray<string> Clusters, int[] Lines, Dictionary<string, int> Index);

    private sealed record ProductSet(ImmutableArray<Product> Products, ImmutableArray<string> Styles, ImmutableArray<ImmutableArray<int>> StyleSkus, Dictionary<string, int> Index);
}
