namespace Rebalancing.Engine.Policies;

/// <summary>
/// The <c>match</c> of an override: every field that is given must equal (ordinal,
/// case-sensitive) the node's or product's value; a field left out matches anything, so an
/// empty match matches every (node, SKU). A node without a cluster never matches a given
/// <see cref="Cluster"/>, nor a product without a category a given <see cref="Category"/>.
/// </summary>
/// <param name="Cluster">JSON <c>match.cluster</c>: the node's cluster.</param>
/// <param name="NodeId">JSON <c>match.node_id</c>: the node's id.</param>
/// <param name="Category">JSON <c>match.category</c>: the product's category.</param>
/// <param name="Style">JSON <c>match.style</c>: the product's style.</param>
public sealed record PolicyMatch(string? Cluster = null, string? NodeId = null, string? Category = null, string? Style = null)
{
    /// <summary>The empty match, which matches everything.</summary>
    public static PolicyMatch All { get; } = new();

    /// <summary>Whether no field is given.</summary>
    public bool IsEmpty => Cluster is null && NodeId is null && Category is null && Style is null;

    /// <summary>Whether the node fields (<see cref="Cluster"/>, <see cref="NodeId"/>) match a node.</summary>
    /// <param name="cluster">The node's cluster, if it has one.</param>
    /// <param name="nodeId">The node's id.</param>
    /// <returns>True when every given node field equals the node's value.</returns>
    public bool MatchesNode(string? cluster, string nodeId) =>
        FieldMatches(Cluster, cluster) && FieldMatches(NodeId, nodeId);

    /// <summary>Whether the product fields (<see cref="Category"/>, <see cref="Style"/>) match a product.</summary>
    /// <param name="category">The product's category, if it has one.</param>
    /// <param name="style">The product's style.</param>
    /// <returns>True when every given product field equals the product's value.</returns>
    public bool MatchesProduct(string? category, string style) =>
        FieldMatches(Category, category) && FieldMatches(Style, style);

    /// <summary>Whether the match applies to a (node, SKU).</summary>
    /// <param name="cluster">The node's cluster, if it has one.</param>
    /// <param name="nodeId">The node's id.</param>
    /// <param name="category">The product's category, if it has one.</param>
    /// <param name="style">The product's style.</param>
    /// <returns>True when every given field equals the corresponding value.</returns>
    public bool Matches(string? cluster, string nodeId, string? category, string style) =>
        MatchesNode(cluster, nodeId) && MatchesProduct(category, style);

    private static bool FieldMatches(string? wanted, string? actual) =>
        wanted is null || string.Equals(wanted, actual, StringComparison.Ordinal);
}
