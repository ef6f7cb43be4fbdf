namespace Rebalancing.Engine.Synthetic;

/// <summary>A product category: its size scale, how many sizes a style uses, and its price band.</summary>
/// <param name="Name">The <c>category</c> value.</param>
/// <param name="Prefix">Style id prefix.</param>
/// <param name="Weight">Relative share of styles.</param>
/// <param name="Scale">Size labels in <c>size_order</c>.</param>
/// <param name="MinSizes">Fewest sizes in a style (a contiguous window of the scale).</param>
/// <param name="MaxSizes">Most sizes in a style.</param>
/// <param name="MinPrice">Lowest full price, rand.</param>
/// <param name="MaxPrice">Highest full price, rand.</param>
internal sealed record Category(
    string Name,
    string Prefix,
    int Weight,
    string[] Scale,
    int MinSizes,
    int MaxSizes,
    int MinPrice,
    int MaxPrice);

/// <summary>The fixed catalogue the generator draws styles from.</summary>
internal static class Catalogue
{
    /// <summary>Categories, with weights summing to 100.</summary>
    public static readonly Category[] Categories =
    [
        new("footwear", "FW", 30, ["3", "4", "5", "6", "7", "8", "9", "10", "11", "12"], 4, 8, 499, 2499),
        new("tops", "TP", 24, ["XS", "S", "M", "L", "XL", "XXL"], 4, 6, 149, 599),
        new("bottoms", "BT", 17, ["28", "30", "32", "34", "36", "38", "40"], 4, 7, 299, 999),
        new("outerwear", "OW", 10, ["XS", "S", "M", "L", "XL", "XXL"], 4, 6, 599, 2499),
        new("kids", "KD", 8, ["2-3", "4-5", "6-7", "8-9", "10-11", "12-13"], 4, 6, 99, 399),
        new("accessories", "AC", 11, ["OS"], 1, 1, 79, 499),
    ];

    /// <summary>Category weights, in the order of <see cref="Categories"/>.</summary>
    public static readonly int[] CategoryWeights = Array.ConvertAll(Categories, c => c.Weight);

    /// <summary>Colour codes that complete a style id.</summary>
    public static readonly string[] Colours = ["BLK", "WHT", "NVY", "GRY", "RED", "BLU", "GRN", "BRN", "PNK", "OLV", "TAN", "SND"];

    /// <summary>Lifecycle weights: new, core, clearance, eol.</summary>
    public static readonly int[] LifecycleWeights = [12, 68, 14, 6];

    /// <summary>Demand multiplier per lifecycle: new, core, clearance, eol.</summary>
    public static readonly double[] LifecycleDemand = [1.3, 1.0, 0.55, 0.35];

    /// <summary>Median weekly demand for a whole style at a median store.</summary>
    public const double MedianStyleRate = 1.6;

    /// <summary>Spread (sigma of the log) of style demand.</summary>
    public const double StyleRateSigma = 0.7;
}

/// <summary>A product's lifecycle stage, as written to <c>products.csv</c>.</summary>
internal enum Lifecycle
{
    /// <summary><c>new</c></summary>
    New = 0,

    /// <summary><c>core</c></summary>
    Core = 1,

    /// <summary><c>clearance</c></summary>
    Clearance = 2,

    /// <summary><c>eol</c></summary>
    Eol = 3,
}
