using System.Globalization;

namespace Rebalancing.Engine.Tests.Support;

/// <summary>
/// Recomputes a plan's net benefit and checks its hard rules from the snapshot files and moves.csv alone, with its
/// own CSV parsing, Poisson arithmetic and freight resolution: it shares no code with the engine, so a bug in the
/// engine's bookkeeping cannot hide behind itself. Default policy only.
/// </summary>
public sealed class IndependentCheck
{
    private readonly Dictionary<string, Dictionary<string, string>> nodes;
    private readonly Dictionary<string, Dictionary<string, string>> products;
    private readonly Dictionary<(string Node, string Sku), Dictionary<string, string>> inventory;
    private readonly List<Dictionary<string, string>> freight;
    private readonly DateTimeOffset asOf;

    public IndependentCheck(IReadOnlyDictionary<string, string> snapshotFiles)
    {
        nodes = Csv.Parse(snapshotFiles["nodes.csv"]).ToDictionary(r => r["node_id"]);
        products = Csv.Parse(snapshotFiles["products.csv"]).ToDictionary(r => r["sku"]);
        inventory = Csv.Parse(snapshotFiles["inventory.csv"]).ToDictionary(r => (r["node_id"], r["sku"]));
        freight = snapshotFiles.TryGetValue("freight.csv", out var f) ? Csv.Parse(f) : [];
        var json = System.Text.Json.JsonDocument.Parse(snapshotFiles["snapshot.json"]);
        asOf = DateTimeOffset.Parse(json.RootElement.GetProperty("as_of").GetString()!, CultureInfo.InvariantCulture);
    }

    public static IndependentCheck FromDirectory(string directory) =>
        new(Directory.EnumerateFiles(directory).ToDictionary(p => Path.GetFileName(p).ToLowerInvariant(), File.ReadAllText));

    /// <summary>The net benefit of the moves: value of the end state less the start, less freight.</summary>
    public (double ValueGain, double Freight) Recompute(IEnumerable<Dictionary<string, string>> moves)
    {
        var moveList = moves.ToList();
        var gain = Cells(moveList).Sum(c => c.ValueAfter - c.ValueBefore);
        var freightCost = Routes(moveList).Sum(r => r.Freight);
        return (gain, freightCost);
    }

    /// <summary>Every (node, SKU) with an inventory row or a move: its position, mean demand and value before and after the moves.</summary>
    public IReadOnlyList<CellValue> Cells(IEnumerable<Dictionary<string, string>> moves)
    {
        var stock = new Dictionary<(string, string), int>();
        var position = new Dictionary<(string, string), int>();
        foreach (var ((node, sku), row) in inventory)
        {
            stock[(node, sku)] = Int(row, "on_hand") + Int(row, "in_transit", 0);
            position[(node, sku)] = Int(row, "on_hand") + Int(row, "in_transit", 0) - Int(row, "reserved", 0);
        }

        var moveList = moves.ToList();
        foreach (var m in moveList)
        {
            Shift(stock, (m["from_node"], m["sku"]), 0);
            Shift(position, (m["from_node"], m["sku"]), 0);
            Shift(stock, (m["to_node"], m["sku"]), 0);
            Shift(position, (m["to_node"], m["sku"]), 0);
        }

        var before = position.Keys.ToDictionary(k => k, k => Value(stock, position, k));
        foreach (var m in moveList)
        {
            var q = Int(m, "quantity");
            Shift(stock, (m["from_node"], m["sku"]), -q);
            Shift(position, (m["from_node"], m["sku"]), -q);
            Shift(stock, (m["to_node"], m["sku"]), q);
            Shift(position, (m["to_node"], m["sku"]), q);
        }

        return position.Keys
            .Order()
            .Select(k =>
            {
                var (xBefore, muBefore, vBefore) = before[k];
                var (xAfter, muAfter, vAfter) = Value(stock, position, k);
                return new CellValue(k.Item1, k.Item2, xBefore, muBefore, vBefore, xAfter, muAfter, vAfter);
            })
            .ToList();
    }

    /// <summary>Every route the moves use, with its units and price: per unit, per shipment, and the great-circle km when priced by distance.</summary>
    public IReadOnlyList<RouteFreight> Routes(IEnumerable<Dictionary<string, string>> moves) =>
        moves.GroupBy(m => (m["from_node"], m["to_node"]))
            .OrderBy(g => g.Key)
            .Select(route =>
            {
                var (perUnit, perShipment, km) = Price(route.Key.Item1, route.Key.Item2);
                var units = route.Sum(m => Int(m, "quantity"));
                return new RouteFreight(route.Key.Item1, route.Key.Item2, units, km, perUnit, perShipment, (units * perUnit) + perShipment);
            })
            .ToList();

    private (int X, double Mu, double Value) Value(Dictionary<(string, string), int> stock, Dictionary<(string, string), int> position, (string Node, string Sku) cell)
    {
        var x = position[cell];
        var mu = Mu(stock, cell.Node, cell.Sku);
        var price = Dbl(products[cell.Sku]["unit_price"]);
        return (x, mu, x <= 0 ? 0 : (x * price * 0.5) + (0.5 * price * ExpectedMin(mu, x)));
    }

    /// <summary>Mean demand over the horizon: lambda * H, halved where the style is not a viable run in this state.</summary>
    private double Mu(Dictionary<(string, string), int> stock, string node, string sku)
    {
        var product = products[sku];
        var lambda = 0.0;
        if (nodes[node]["type"] == "store" && inventory.TryGetValue((node, sku), out var row))
        {
            lambda = row.TryGetValue("weekly_demand", out var w) && w.Length > 0 ? Dbl(w) : Dbl(row["sales_4w"]) / 4.0;
        }

        var horizon = 8.0;
        if (product.TryGetValue("season_end", out var end) && end.Length > 0)
        {
            var endInstant = new DateTimeOffset(DateOnly.Parse(end, CultureInfo.InvariantCulture).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            horizon = Math.Max(0, Math.Min(horizon, (endInstant - asOf).TotalDays / 7.0));
        }

        return lambda * horizon * (Viable(stock, node, product["style"]) ? 1.0 : 0.5);
    }

    private bool Viable(Dictionary<(string, string), int> stock, string node, string style)
    {
        var sizes = products.Values.Where(p => p["style"] == style).OrderBy(p => Int(p, "size_order")).Select(p => p["sku"]).ToList();
        int run = 0, longest = 0;
        foreach (var sku in sizes)
        {
            run = stock.GetValueOrDefault((node, sku)) >= 1 ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        return longest >= Math.Min(3, sizes.Count);
    }

    /// <summary>E[min(D, x)] for D ~ Poisson(mu), summing min(j, x) * pmf(j) with the pmf in log space.</summary>
    private static double ExpectedMin(double mu, int x)
    {
        if (mu <= 0)
        {
            return 0;
        }

        var sum = 0.0;
        var logFactorial = 0.0;
        var upper = (int)(mu + (50 * Math.Sqrt(mu)) + 100);
        for (var j = 0; j <= upper; j++)
        {
            if (j > 0)
            {
                logFactorial += Math.Log(j);
            }

            sum += Math.Min(j, x) * Math.Exp(-mu + (j * Math.Log(mu)) - logFactorial);
        }

        return sum;
    }

    private (double PerUnit, double PerShipment, double? Km) Price(string from, string to)
    {
        var a = nodes[from];
        var b = nodes[to];
        var row = freight.FirstOrDefault(r => Get(r, "from_node") == from && Get(r, "to_node") == to)
            ?? freight.FirstOrDefault(r => Get(r, "from_node") == "" && Get(r, "from_cluster") == Get(a, "cluster") && Get(r, "to_cluster") == Get(b, "cluster") && Get(a, "cluster") != "");
        if (row is not null)
        {
            return (Dbl(row["cost_per_unit"]), Get(row, "cost_per_shipment") is { Length: > 0 } s ? Dbl(s) : 50.0, null);
        }

        if (Get(a, "latitude") != "" && Get(b, "latitude") != "")
        {
            double R(double d) => d * Math.PI / 180;
            var (lat1, lon1, lat2, lon2) = (Dbl(a["latitude"]), Dbl(a["longitude"]), Dbl(b["latitude"]), Dbl(b["longitude"]));
            var h = Math.Pow(Math.Sin(R(lat2 - lat1) / 2), 2) + (Math.Cos(R(lat1)) * Math.Cos(R(lat2)) * Math.Pow(Math.Sin(R(lon2 - lon1) / 2), 2));
            var km = 2 * 6371.0 * Math.Asin(Math.Sqrt(h));
            return (km * 0.01, 50.0, km);
        }

        return (5.0, 50.0, null);
    }

    private static string Get(Dictionary<string, string> row, string key) => row.TryGetValue(key, out var v) ? v : "";

    private static void Shift(Dictionary<(string, string), int> map, (string, string) key, int by) => map[key] = map.GetValueOrDefault(key) + by;

    private static int Int(Dictionary<string, string> row, string key, int whenMissing = 0) =>
        row.TryGetValue(key, out var v) && v.Length > 0 ? int.Parse(v, CultureInfo.InvariantCulture) : whenMissing;

    private static double Dbl(string text) => double.Parse(text, CultureInfo.InvariantCulture);
}

/// <summary>One (node, SKU) valued before and after a plan: position x, mean demand mu over the horizon, value V(x).</summary>
public sealed record CellValue(string Node, string Sku, int PositionBefore, double MuBefore, double ValueBefore, int PositionAfter, double MuAfter, double ValueAfter);

/// <summary>One route of a plan: units carried, the great-circle km when priced by distance, and its freight.</summary>
public sealed record RouteFreight(string From, string To, int Units, double? Km, double PerUnit, double PerShipment, double Freight);

/// <summary>A tiny RFC 4180 parser for tests: header row, quoted fields, doubled quotes.</summary>
public static class Csv
{
    /// <summary>Rows of named fields (trimmed; blank lines skipped), by the header's lower-case names.</summary>
    public static List<Dictionary<string, string>> Parse(string text)
    {
        var records = Records(text);
        var header = records[0].Select(h => h.Trim().ToLowerInvariant()).ToList();
        return records.Skip(1)
            .Where(r => !(r.Count == 1 && r[0].Length == 0))
            .Select(r => header.Select((h, i) => (h, v: i < r.Count ? r[i].Trim() : "")).ToDictionary(x => x.h, x => x.v))
            .ToList();
    }

    /// <summary>
    /// The records of a CSV text as raw fields; LF or CRLF end a record. A quote inside an unquoted field or a quoted
    /// field left open is a <see cref="FormatException"/>.
    /// </summary>
    public static List<List<string>> Records(string text)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                if (field.Length > 0)
                {
                    throw new FormatException("a quote inside an unquoted field");
                }

                quoted = true;
            }
            else if (c == ',')
            {
                record.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\n' || c == '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                record.Add(field.ToString());
                field.Clear();
                records.Add(record);
                record = [];
            }
            else
            {
                field.Append(c);
            }
        }

        if (quoted)
        {
            throw new FormatException("unterminated quoted field");
        }

        if (field.Length > 0 || record.Count > 0)
        {
            record.Add(field.ToString());
            records.Add(record);
        }

        return records;
    }
}
