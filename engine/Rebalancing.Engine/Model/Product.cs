namespace Rebalancing.Engine.Model;

/// <summary>A SKU, as read from <c>products.csv</c>.</summary>
/// <param name="Sku">Unique SKU.</param>
/// <param name="Style">The size-run group (style and colour).</param>
/// <param name="StyleIndex">Index of <paramref name="Style"/> in <see cref="Snapshot.Styles"/>.</param>
/// <param name="Size">Size label.</param>
/// <param name="SizeOrder">Position of the size in its style's scale.</param>
/// <param name="Category">Category, or <see langword="null"/>.</param>
/// <param name="UnitCost">Unit cost (prices approval levels and reports).</param>
/// <param name="UnitPrice">Full retail price.</param>
/// <param name="Lifecycle">Lifecycle stage.</param>
/// <param name="SeasonEnd">Last day of the selling season, or <see langword="null"/>.</param>
public sealed record Product(
    string Sku,
    string Style,
    int StyleIndex,
    string Size,
    int SizeOrder,
    string? Category,
    double UnitCost,
    double UnitPrice,
    Lifecycle Lifecycle,
    DateOnly? SeasonEnd);
