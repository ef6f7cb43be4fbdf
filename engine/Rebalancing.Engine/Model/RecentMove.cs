namespace Rebalancing.Engine.Model;

/// <summary>A move applied before the snapshot's as-of instant (<c>recent_moves.csv</c>).</summary>
/// <param name="Sku">The SKU moved.</param>
/// <param name="FromNode">The sender.</param>
/// <param name="ToNode">The receiver.</param>
/// <param name="Quantity">Units moved.</param>
/// <param name="AppliedAt">When the move was applied (UTC).</param>
public sealed record RecentMove(string Sku, string FromNode, string ToNode, int Quantity, DateTimeOffset AppliedAt);
