namespace Rebalancing.Engine.Policies;

/// <summary>
/// Resolution of the effective settings of a (node, SKU). An override applies when its match
/// fits both the node (cluster, node id) and the product (category, style), so the overrides
/// that apply are <c>NodeMask(node) &amp; ProductMask(product)</c>: bit <c>i</c> stands for
/// <c>Overrides[i]</c>. A mask is resolved once, by applying the org-level settings and then
/// each override in the mask in document order, and cached, so every (node, SKU) with the same
/// overrides shares one <see cref="PolicySettings"/> instance. Masks are 64 bits, which is why a
/// policy holds at most <see cref="PolicyDefaults.MaxOverrides"/> overrides.
/// </summary>
public sealed partial class Policy
{
    /// <summary>The effective settings of a (node, SKU): org level, then each matching override in order (later wins).</summary>
    /// <param name="cluster">The node's cluster, if it has one.</param>
    /// <param name="nodeId">The node's id.</param>
    /// <param name="category">The product's category, if it has one.</param>
    /// <param name="style">The product's style.</param>
    /// <returns>The effective settings; equal inputs return the same instance.</returns>
    public PolicySettings Resolve(string? cluster, string nodeId, string? category, string style) =>
        ResolveMask(NodeMask(cluster, nodeId) & ProductMask(category, style));

    /// <summary>
    /// The overrides whose node fields (cluster, node id) match a node, as a bit mask
    /// (bit <c>i</c> is <c>Overrides[i]</c>). An override without node fields matches every node.
    /// Compute it once per node.
    /// </summary>
    /// <param name="cluster">The node's cluster, if it has one.</param>
    /// <param name="nodeId">The node's id.</param>
    /// <returns>The node's mask.</returns>
    public ulong NodeMask(string? cluster, string nodeId)
    {
        ArgumentNullException.ThrowIfNull(nodeId);
        var mask = 0UL;
        for (var i = 0; i < Overrides.Length; i++)
        {
            if (Overrides[i].Match.MatchesNode(cluster, nodeId))
            {
                mask |= 1UL << i;
            }
        }

        return mask;
    }

    /// <summary>
    /// The overrides whose product fields (category, style) match a product, as a bit mask
    /// (bit <c>i</c> is <c>Overrides[i]</c>). An override without product fields matches every
    /// product. Compute it once per product.
    /// </summary>
    /// <param name="category">The product's category, if it has one.</param>
    /// <param name="style">The product's style.</param>
    /// <returns>The product's mask.</returns>
    public ulong ProductMask(string? category, string style)
    {
        ArgumentNullException.ThrowIfNull(style);
        var mask = 0UL;
        for (var i = 0; i < Overrides.Length; i++)
        {
            if (Overrides[i].Match.MatchesProduct(category, style))
            {
                mask |= 1UL << i;
            }
        }

        return mask;
    }

    /// <summary>
    /// The effective settings for a set of applicable overrides, usually
    /// <c>NodeMask(...) &amp; ProductMask(...)</c>. Thread-safe; cached per mask.
    /// </summary>
    /// <param name="mask">Bit <c>i</c> set when <c>Overrides[i]</c> applies.</param>
    /// <returns>The org-level settings with the masked overrides applied in order; the same instance for the same mask.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The mask has a bit at or above <c>Overrides.Length</c>.</exception>
    public PolicySettings ResolveMask(ulong mask)
    {
        if ((mask & ~allOverridesMask) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(mask), mask, $"The policy has {Overrides.Length} overrides.");
        }

        return resolved.TryGetValue(mask, out var settings)
            ? settings
            : resolved.GetOrAdd(mask, static (m, policy) => policy.Apply(m), this);
    }

    private PolicySettings Apply(ulong mask)
    {
        var settings = Settings;
        for (var rest = mask; rest != 0; rest &= rest - 1)
        {
            settings = Overrides[System.Numerics.BitOperations.TrailingZeroCount(rest)].ApplyTo(settings);
        }

        return settings;
    }
}
