using System.Globalization;
using System.IO.Compression;
using System.Text;
using Rebalancing.Engine.Input;
using Rebalancing.Engine.Model;
using Rebalancing.Engine.Plans;
using Rebalancing.Engine.Policies;

namespace Rebalancing.Engine.Tests.Support;

/// <summary>
/// A small random network made from a seed, as snapshot file texts: 2-8 stores in 1-3 clusters, 1-2 warehouses,
/// 1-4 styles of 1-6 sizes, random stock, demand, reservations, in-transit units, some capacities, some disabled
/// flags, some eol styles, some coordinates, random freight rows and recent moves. The same seed always gives the
/// same files. Plain CSV without quoting, so the text transformations below can work line by line.
/// </summary>
public static class RandomNetwork
{
    public const string AsOf = "2026-11-20T00:00:00Z";

    public static Dictionary<string, string> Generate(int seed)
    {
        var rng = new Random(seed);
        var clusters = Enumerable.Range(0, rng.Next(1, 4)).Select(i => $"C{i}").ToList();
        var stores = Enumerable.Range(0, rng.Next(2, 9)).Select(i => (Id: $"S{i}", Cluster: clusters[rng.Next(clusters.Count)])).ToList();
        var warehouses = Enumerable.Range(0, rng.Next(1, 3)).Select(i => (Id: $"W{i}", Cluster: rng.Next(3) == 0 ? clusters[rng.Next(clusters.Count)] : string.Empty)).ToList();
        string F(double value) => value.ToString(CultureInfo.InvariantCulture);

        var nodes = new StringBuilder("node_id,type,cluster,latitude,longitude,capacity_units,receive_enabled,ship_enabled\n");
        foreach (var (id, cluster) in warehouses.Concat(stores))
        {
            var isStore = id[0] == 'S';
            var coordinates = rng.Next(3) == 0 ? $"{F(Math.Round(-34 + (rng.NextDouble() * 10), 3))},{F(Math.Round(18 + (rng.NextDouble() * 12), 3))}" : ",";
            var capacity = isStore && rng.Next(3) == 0 ? rng.Next(0, 40).ToString(CultureInfo.InvariantCulture) : string.Empty;
            var receive = rng.Next(8) == 0 ? "false" : "true";
            var ship = rng.Next(8) == 0 ? "false" : "true";
            nodes.Append(CultureInfo.InvariantCulture, $"{id},{(isStore ? "store" : "warehouse")},{cluster},{coordinates},{capacity},{receive},{ship}\n");
        }

        var products = new StringBuilder("sku,style,size,size_order,unit_cost,unit_price,lifecycle,season_end,category\n");
        var skus = new List<string>();
        var styleCount = rng.Next(1, 5);
        for (var s = 0; s < styleCount; s++)
        {
            var sizes = rng.Next(1, 7);
            var price = rng.Next(20, 600);
            var lifecycle = rng.Next(6) == 0 ? "eol" : rng.Next(4) == 0 ? "new" : "core";
            var seasonEnd = rng.Next(5) == 0 ? "2027-01-15" : string.Empty;
            var order = rng.Next(0, 5) * 10;
            for (var z = 0; z < sizes; z++)
            {
                var sku = $"ST{s}-{z}";
                skus.Add(sku);
                products.Append(CultureInfo.InvariantCulture, $"{sku},ST{s},Z{z},{order + z},{F(Math.Round(price * 0.4, 2))},{price},{lifecycle},{seasonEnd},cat{s % 2}\n");
            }
        }

        var inventory = new StringBuilder("node_id,sku,on_hand,in_transit,reserved,sales_4w,weekly_demand\n");
        foreach (var (id, _) in warehouses.Concat(stores))
        {
            var isStore = id[0] == 'S';
            var anyRow = false;
            foreach (var sku in skus)
            {
                if (rng.NextDouble() > 0.65 && !(isStore && !anyRow && sku == skus[^1]))
                {
                    continue;
                }

                anyRow = true;
                var onHand = isStore ? rng.Next(0, 9) : rng.Next(0, 40);
                var inTransit = rng.Next(5) == 0 ? rng.Next(1, 4) : 0;
                var reserved = rng.Next(4) == 0 ? rng.Next(0, onHand + 1) : 0;
                var sales = isStore && rng.Next(4) != 0 ? rng.Next(0, 16) : 0;
                var weekly = isStore && rng.Next(6) == 0 ? F(Math.Round(rng.NextDouble() * 4, 2)) : string.Empty;
                inventory.Append(CultureInfo.InvariantCulture, $"{id},{sku},{onHand},{inTransit},{reserved},{sales},{weekly}\n");
            }
        }

        var allNodes = warehouses.Concat(stores).ToList();
        var freight = new StringBuilder("from_node,to_node,from_cluster,to_cluster,cost_per_unit,cost_per_shipment,transit_days\n");
        var routes = new HashSet<string>();
        for (var i = rng.Next(0, 6); i > 0; i--)
        {
            var a = allNodes[rng.Next(allNodes.Count)].Id;
            var b = allNodes[rng.Next(allNodes.Count)].Id;
            if (a != b && routes.Add($"n{a}>{b}"))
            {
                freight.Append(CultureInfo.InvariantCulture, $"{a},{b},,,{F(Math.Round(rng.NextDouble() * 4, 2))},{(rng.Next(3) == 0 ? string.Empty : rng.Next(0, 60).ToString(CultureInfo.InvariantCulture))},2\n");
            }
        }

        for (var i = rng.Next(0, 4); i > 0; i--)
        {
            var a = clusters[rng.Next(clusters.Count)];
            var b = clusters[rng.Next(clusters.Count)];
            if (routes.Add($"c{a}>{b}"))
            {
                freight.Append(CultureInfo.InvariantCulture, $",,{a},{b},{F(Math.Round(rng.NextDouble() * 3, 2))},{rng.Next(0, 40)},1\n");
            }
        }

        var recent = new StringBuilder("sku,from_node,to_node,quantity,applied_at\n");
        for (var i = rng.Next(0, 4); i > 0; i--)
        {
            var a = allNodes[rng.Next(allNodes.Count)].Id;
            var b = allNodes[rng.Next(allNodes.Count)].Id;
            var at = DateTimeOffset.Parse(AsOf, CultureInfo.InvariantCulture).AddHours(-rng.Next(1, 30 * 24));
            recent.Append(CultureInfo.InvariantCulture, $"{skus[rng.Next(skus.Count)]},{a},{b},{rng.Next(1, 6)},{at.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}\n");
        }

        return new Dictionary<string, string>
        {
            ["snapshot.json"] = $$"""{"org_id":"prop-org","as_of":"{{AsOf}}","snapshot_id":"seed-{{seed}}"}""",
            ["nodes.csv"] = nodes.ToString(),
            ["products.csv"] = products.ToString(),
            ["inventory.csv"] = inventory.ToString(),
            ["freight.csv"] = freight.ToString(),
            ["recent_moves.csv"] = recent.ToString(),
        };
    }

    /// <summary>The files of a network from the project's generator (clusters, capacities, disabled nodes, eol, recent moves).</summary>
    public static Dictionary<string, string> Generated(int stores, int skus, long seed)
    {
        var writers = new Dictionary<string, StringWriter>();
        Rebalancing.Engine.Synthetic.NetworkGenerator.Generate(
            new Rebalancing.Engine.Synthetic.NetworkGeneratorOptions { Stores = stores, Skus = skus, Seed = seed },
            name => writers[name] = new StringWriter(CultureInfo.InvariantCulture));
        return writers.ToDictionary(kv => kv.Key, kv => kv.Value.ToString());
    }

    public static Snapshot Load(IReadOnlyDictionary<string, string> files)
    {
        var result = SnapshotLoader.Load(new MemorySnapshotSource(files));
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        return result.Snapshot!;
    }

    public static Policy Policy(string json)
    {
        var result = PolicyReader.Read(json);
        Assert.True(result.Policy is not null, string.Join("\n", result.Problems));
        return result.Policy!;
    }

    /// <summary>moves.csv as the engine writes it, parsed by the tests' own CSV reader.</summary>
    public static List<Dictionary<string, string>> MovesCsv(Plan plan)
    {
        using var writer = new StringWriter();
        Output.PlanWriter.WriteMoves(writer, plan);
        return Csv.Parse(writer.ToString());
    }

    // ---- text transformations that must not change a plan ----

    public static string ShuffleRows(string csv, int seed)
    {
        var lines = Lines(csv);
        var rng = new Random(seed);
        var body = lines.Skip(1).OrderBy(_ => rng.Next()).ToList();
        return Join([lines[0], .. body]);
    }

    public static string ReverseColumns(string csv) =>
        Join(Lines(csv).Select(l => string.Join(',', l.Split(',').Reverse())));

    public static string UpperCaseHeader(string csv)
    {
        var lines = Lines(csv);
        lines[0] = lines[0].ToUpperInvariant();
        return Join(lines);
    }

    public static string Crlf(string text) => text.Replace("\n", "\r\n", StringComparison.Ordinal);

    public static Dictionary<string, string> Map(IReadOnlyDictionary<string, string> files, Func<string, string> csv) =>
        files.ToDictionary(f => f.Key, f => f.Key.EndsWith(".csv", StringComparison.Ordinal) ? csv(f.Value) : f.Value);

    public static byte[] Zip(IReadOnlyDictionary<string, string> files)
    {
        using var stream = new MemoryStream();
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, text) in files)
            {
                using var writer = new StreamWriter(archive.CreateEntry("snapshot/" + name).Open(), new UTF8Encoding(false));
                writer.Write(text);
            }
        }

        return stream.ToArray();
    }

    private static List<string> Lines(string csv) => csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();

    private static string Join(IEnumerable<string> lines) => string.Join('\n', lines) + "\n";
}
