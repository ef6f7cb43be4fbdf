using System.Globalization;

namespace Rebalancing.Engine.Synthetic;

/// <summary>Writes <c>products.csv</c>: one row per size of every style.</summary>
internal static class ProductsWriter
{
    /// <summary>The header row.</summary>
    public const string Header = "sku,style,size,size_order,category,unit_cost,unit_price,lifecycle,season_end";

    private static readonly string[] LifecycleNames = ["new", "core", "clearance", "eol"];

    /// <summary>Writes the file and returns the data rows written.</summary>
    public static long Write(NetworkModel model, TextWriter writer)
    {
        var csv = new CsvRowWriter(writer, Header);
        foreach (StyleModel style in model.Styles)
        {
            decimal cost = style.CostCents / 100m;
            decimal price = style.PriceCents / 100m;
            string lifecycle = LifecycleNames[(int)style.Lifecycle];
            string? seasonEnd = style.SeasonEnd?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            for (int i = 0; i < style.Sizes.Length; i++)
            {
                csv.Field(style.Id, '-', style.Sizes[i]);
                csv.Field(style.Id);
                csv.Field(style.Sizes[i]);
                csv.Field(i + 1);
                csv.Field(style.Category.Name);
                csv.Field(cost);
                csv.Field(price);
                csv.Field(lifecycle);
                csv.Field(seasonEnd);
                csv.EndRow();
            }
        }

        return csv.Rows;
    }
}
