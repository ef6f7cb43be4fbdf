using System.Collections.Immutable;
using Rebalancing.Engine.Model;

namespace Rebalancing.Engine.Input;

public static partial class SnapshotLoader
{
    private static readonly string[] ProductColumns =
        ["sku", "style", "size", "size_order", "unit_cost", "unit_price", "category", "lifecycle", "season_end"];

    /// <summary>Reads products.csv: its set, or null when it has an error.</summary>
    /// <param name="source">The snapshot's files.</param>
    /// <param name="sink">Where problems go.</param>
    /// <param name="declared">Every sku the file names, rows with errors included; null when the file cannot be read.</param>
    private static ProductSet? ReadProducts(ISnapshotSource source, List<InputProblem> sink, out HashSet<string>? declared)
    {
        declared = null;
        var problems = new FileProblems(SnapshotFiles.Products, sink);
        using var file = CsvFile.Open(source, problems, ProductColumns, requiredCount: 6);
        if (file is null)
        {
            problems.Close();
            return null;
        }

        var rows = new List<Product>();
        var seen = declared = new HashSet<string>(StringComparer.Ordinal);
        var sizeOrders = new HashSet<(string Style, long Order)>();
        while (file.Next())
        {
            var errorsBefore = problems.ErrorCount;
            var sku = file.RequiredText(0);
            var style = file.RequiredText(1);
            var size = file.RequiredText(2);
            var sizeOrder = file.Integer(3, required: true, min: int.MinValue);
            var unitCost = file.Number(4, required: true);
            var unitPrice = file.Number(5, required: true, min: 0, minExclusive: true);
            var category = file.OptionalText(6);
            var lifecycleText = file.OptionalText(7);
            Lifecycle? lifecycle = lifecycleText?.ToUpperInvariant() switch
            {
                null => Lifecycle.Core,
                "NEW" => Lifecycle.New,
                "CORE" => Lifecycle.Core,
                "CLEARANCE" => Lifecycle.Clearance,
                "EOL" => Lifecycle.Eol,
                _ => null,
            };
            if (lifecycle is null)
            {
                problems.Error(file.Line, $"lifecycle: '{lifecycleText}' is not one of new, core, clearance, eol");
            }

            DateOnly? seasonEnd = null;
            var seasonText = file.Raw(8);
            if (!seasonText.IsEmpty)
            {
                if (IsoTime.TryParseDate(seasonText, out var date))
                {
                    seasonEnd = date;
                }
                else
                {
                    problems.Error(file.Line, $"season_end: '{seasonText.ToString()}' is not an ISO date (yyyy-MM-dd)");
                }
            }

            if (sizeOrder is > int.MaxValue or < int.MinValue)
            {
                problems.Error(file.Line, "size_order: out of range");
                sizeOrder = null;
            }

            if (sku is not null && !seen.Add(sku))
            {
                problems.Error(file.Line, $"duplicate sku '{sku}'");
            }

            if (style is not null && sizeOrder is not null && !sizeOrders.Add((style, sizeOrder.Value)))
            {
                problems.Error(file.Line, $"duplicate size_order {sizeOrder} within style '{style}'");
            }

            if (problems.ErrorCount == errorsBefore && sku is not null && style is not null && size is not null
                && sizeOrder is not null && unitCost is not null && unitPrice is not null && lifecycle is not null)
            {
                rows.Add(new Product(sku, style, -1, size, (int)sizeOrder.Value, category, unitCost.Value, unitPrice.Value, lifecycle.Value, seasonEnd));
            }
        }

        problems.Close();
        if (problems.ErrorCount > 0)
        {
            return null;
        }

        rows.Sort((a, b) => string.CompareOrdinal(a.Sku, b.Sku));
        var styles = rows.Select(p => p.Style).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToImmutableArray();
        var styleIndex = styles.Select((s, i) => (s, i)).ToDictionary(x => x.s, x => x.i, StringComparer.Ordinal);
        var products = rows.Select(p => p with { StyleIndex = styleIndex[p.Style] }).ToImmutableArray();
        var styleSkus = products
            .Select((p, i) => (p, i))
            .GroupBy(x => x.p.StyleIndex)
            .OrderBy(g => g.Key)
            .Select(g => g.OrderBy(x => x.p.SizeOrder).Select(x => x.i).ToImmutableArray())
            .ToImmutableArray();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < products.Length; i++)
        {
            index.Add(products[i].Sku, i);
        }

        return new ProductSet(products, styles, styleSkus, index);
    }
}
