using System.Globalization;

namespace Rebalancing.Engine.Tests.Synthetic;

/// <summary>The generated network holds every situation the engine's rules deal with.</summary>
public sealed class NetworkGeneratorRealismTests
{
    private static readonly Lazy<GeneratedSnapshot> Pilot = new(() => GeneratedSnapshot.Generate(40, 1000));

    private static GeneratedSnapshot Snapshot => Pilot.Value;

    [Fact]
    public void Generate_PilotSize_HasStockouts()
    {
        CsvTable inv = Snapshot.Inventory;

        int stockouts = inv.Rows.Count(r => inv.Get(r, "node_id").StartsWith('S') && inv.Int(r, "on_hand") == 0 && inv.Int(r, "sales_4w") > 0);

        Assert.True(stockouts > 500, $"{stockouts} stockouts");
    }

    [Fact]
    public void Generate_PilotSize_HasOverstock()
    {
        CsvTable inv = Snapshot.Inventory;

        // On hand far above demand: more than 16 weeks of the 4-week sales rate, and at least 8 units.
        int overstock = inv.Rows.Count(r =>
            inv.Get(r, "node_id").StartsWith('S') && inv.Int(r, "on_hand") >= 8 && inv.Int(r, "on_hand") > 4 * inv.Decimal(r, "sales_4w"));

        Assert.True(overstock > 500, $"{overstock} overstocked rows");
    }

    [Fact]
    public void Generate_PilotSize_HasFragments()
    {
        int fragments = Fragments(Snapshot).Count;

        Assert.True(fragments > 100, $"{fragments} fragments");
    }

    [Fact]
    public void Generate_PilotSize_HasFragmentsOfOneStyleInSeveralStoresOfACluster()
    {
        Dictionary<string, string> clusterOf = Snapshot.Nodes.Rows.ToDictionary(r => Snapshot.Nodes.Get(r, "node_id"), r => Snapshot.Nodes.Get(r, "cluster"), StringComparer.Ordinal);

        int consolidations = Fragments(Snapshot)
            .GroupBy(f => (clusterOf[f.Node], f.Style))
            .Count(g => g.Count() >= 2);

        Assert.True(consolidations > 10, $"{consolidations} (cluster, style) groups with several fragments");
    }

    [Fact]
    public void Generate_PilotSize_HasZeroDemandRowsWithStock()
    {
        CsvTable inv = Snapshot.Inventory;

        int dead = inv.Rows.Count(r =>
            inv.Get(r, "node_id").StartsWith('S') && inv.Int(r, "on_hand") > 0 && inv.Int(r, "sales_4w") == 0
            && inv.Get(r, "weekly_demand") is "" or "0");

        Assert.True(dead > 500, $"{dead} rows with stock and no demand");
    }

    [Fact]
    public void Generate_PilotSize_HasInTransitReservedAndForecasts()
    {
        CsvTable inv = Snapshot.Inventory;

        Assert.True(inv.Rows.Count(r => inv.Int(r, "in_transit") > 0) > 200);
        Assert.True(inv.Rows.Count(r => inv.Int(r, "reserved") > 0) > 200);
        Assert.True(inv.Rows.Count(r => inv.Get(r, "weekly_demand").Length > 0) > 2000);
        Assert.True(inv.Rows.Count(r => inv.Get(r, "weekly_demand").Length == 0) > 2000);
    }

    [Fact]
    public void Generate_PilotSize_WarehousesHoldStockWithoutDemand()
    {
        CsvTable inv = Snapshot.Inventory;
        List<string[]> warehouseRows = inv.Rows.Where(r => inv.Get(r, "node_id").StartsWith('W')).ToList();

        Assert.InRange(warehouseRows.Count, 800, 1000);
        Assert.All(warehouseRows, r => Assert.Equal("0", inv.Get(r, "sales_4w")));
        Assert.True(warehouseRows.Sum(r => inv.Int(r, "on_hand")) > 10_000);
        Assert.Contains(warehouseRows, r => inv.Int(r, "on_hand") == 0);
    }

    [Fact]
    public void Generate_PilotSize_HasRecentMovesInsideTheCooldown()
    {
        CsvTable moves = Snapshot.RecentMoves;
        DateTimeOffset cooldownStart = Snapshot.AsOf.AddDays(-14);

        int inside = moves.Column("applied_at").Count(a =>
            DateTimeOffset.Parse(a, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal) > cooldownStart);

        Assert.InRange(moves.Rows.Count, 200, 400);
        Assert.InRange(inside, moves.Rows.Count / 4, moves.Rows.Count * 3 / 4);
    }

    [Fact]
    public void Generate_PilotSize_HasEveryLifecycleAndSeasonEndsInsideTheHorizon()
    {
        CsvTable products = Snapshot.Products;
        DateOnly horizon = DateOnly.FromDateTime(Snapshot.AsOf.UtcDateTime).AddDays(8 * 7);

        Assert.Equal(["clearance", "core", "eol", "new"], products.Column("lifecycle").Distinct().Order(StringComparer.Ordinal));
        Assert.True(products.Column("lifecycle").Count(l => l == "core") > products.Rows.Count / 2);
        Assert.Contains(products.Column("season_end"), s => s.Length > 0 && DateOnly.Parse(s, CultureInfo.InvariantCulture) < horizon);
        Assert.Contains(products.Column("season_end"), s => s.Length > 0 && DateOnly.Parse(s, CultureInfo.InvariantCulture) > horizon);
        Assert.Contains(products.Column("season_end"), s => s.Length == 0);
    }

    [Fact]
    public void Generate_PilotSize_HasSizeCurvesAndOneSizeStyles()
    {
        CsvTable products = Snapshot.Products;
        var sizesPerStyle = products.Column("style").GroupBy(s => s, StringComparer.Ordinal).Select(g => g.Count()).ToList();

        Assert.Contains(1, sizesPerStyle);
        Assert.Contains(sizesPerStyle, n => n >= 8);
        Assert.InRange(sizesPerStyle.Average(), 4.0, 6.5);
        Assert.Contains("footwear", products.Column("category"));
        Assert.Contains("XXL", products.Column("size"));
    }

    [Fact]
    public void Generate_PilotSize_HasClustersCapacitiesAndCheapLocalFreight()
    {
        CsvTable nodes = Snapshot.Nodes;
        CsvTable freight = Snapshot.Freight;
        string[] clusters = nodes.Column("cluster").Where(c => c.Length > 0).Distinct().ToArray();

        Assert.Equal(["GP", "WC", "KZN", "EC", "FS", "MP"], clusters);
        Assert.True(nodes.Column("capacity_units").Count(c => c.Length > 0) >= 5);
        foreach (string cluster in clusters)
        {
            string[] self = Assert.Single(freight.Rows, r => freight.Get(r, "from_cluster") == cluster && freight.Get(r, "to_cluster") == cluster);
            Assert.InRange(freight.Decimal(self, "cost_per_unit"), 2m, 6m);
        }

        Assert.Contains(freight.Rows, r => freight.Get(r, "from_cluster") == "GP" && freight.Get(r, "to_cluster") == "WC" && freight.Decimal(r, "cost_per_unit") >= 15m);
        Assert.Contains(freight.Rows, r => freight.Get(r, "from_node").Length > 0);
    }

    [Fact]
    public void Generate_PilotSize_HasNearFullStores()
    {
        CsvTable nodes = Snapshot.Nodes;
        CsvTable inv = Snapshot.Inventory;
        var units = inv.Rows.GroupBy(r => inv.Get(r, "node_id"), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(r => (long)inv.Int(r, "on_hand") + inv.Int(r, "in_transit")), StringComparer.Ordinal);

        int nearFull = nodes.Rows.Count(r => nodes.Get(r, "capacity_units").Length > 0
            && nodes.Int(r, "capacity_units") <= units[nodes.Get(r, "node_id")] * 1.03);

        Assert.True(nearFull >= 2, $"{nearFull} near-full stores");
    }

    [Fact]
    public void Generate_LargerNetwork_HasStoresThatCannotReceiveOrShip()
    {
        GeneratedSnapshot snapshot = GeneratedSnapshot.Generate(200, 20);
        CsvTable nodes = snapshot.Nodes;

        Assert.Equal(4, nodes.Column("receive_enabled").Count(v => v == "false"));
        Assert.Equal(4, nodes.Column("ship_enabled").Count(v => v == "false"));
        Assert.DoesNotContain(nodes.Rows, r => nodes.Get(r, "receive_enabled") == "false" && nodes.Get(r, "ship_enabled") == "false");
    }

    [Fact]
    public void Generate_PilotSize_StoreVelocityIsSkewed()
    {
        CsvTable inv = Snapshot.Inventory;
        List<long> sales = inv.Rows.Where(r => inv.Get(r, "node_id").StartsWith('S'))
            .GroupBy(r => inv.Get(r, "node_id"), StringComparer.Ordinal)
            .Select(g => g.Sum(r => (long)inv.Int(r, "sales_4w")))
            .Order()
            .ToList();

        long median = sales[sales.Count / 2];
        Assert.True(sales[^1] > 3 * median, $"largest {sales[^1]}, median {median}");
    }

    /// <summary>(store, style) pairs holding at least one unit but no run of min(3, sizes) adjacent present sizes.</summary>
    private static List<(string Node, string Style)> Fragments(GeneratedSnapshot snapshot)
    {
        CsvTable products = snapshot.Products;
        CsvTable inv = snapshot.Inventory;
        Dictionary<string, (string Style, int Order)> sku = products.Rows.ToDictionary(
            r => products.Get(r, "sku"), r => (products.Get(r, "style"), products.Int(r, "size_order")), StringComparer.Ordinal);
        Dictionary<string, int> sizes = products.Rows.GroupBy(r => products.Get(r, "style"), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

        return inv.Rows
            .Where(r => inv.Get(r, "node_id").StartsWith('S') && inv.Int(r, "on_hand") + inv.Int(r, "in_transit") >= 1)
            .GroupBy(r => (Node: inv.Get(r, "node_id"), sku[inv.Get(r, "sku")].Style))
            .Where(g =>
            {
                int[] present = g.Select(r => sku[inv.Get(r, "sku")].Order).Order().ToArray();
                int longest = 1;
                for (int i = 1, run = 1; i < present.Length; i++)
                {
                    run = present[i] == present[i - 1] + 1 ? run + 1 : 1;
                    longest = Math.Max(longest, run);
                }

                return longest < Math.Min(3, sizes[g.Key.Style]);
            })
            .Select(g => (g.Key.Node, g.Key.Style))
            .ToList();
    }
}
