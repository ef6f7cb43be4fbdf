using System.Globalization;
using System.Text;
using Rebalancing.Engine.Input;
using Rebalancing.Engine.Model;
using Rebalancing.Engine.Planning;
using Rebalancing.Engine.Plans;
using Rebalancing.Engine.Policies;

namespace Rebalancing.Engine.Tests.Support;

/// <summary>
/// A small network written the way a planner would type it: nodes, products, inventory rows. Produces the snapshot
/// files' text, so every scenario goes through the real loader.
/// </summary>
public sealed class TestNetwork
{
    private readonly StringBuilder nodes = new("node_id,type,cluster,latitude,longitude,capacity_units,receive_enabled,ship_enabled\n");
    private readonly StringBuilder products = new("sku,style,size,size_order,unit_cost,unit_price,lifecycle,season_end,category\n");
    private readonly StringBuilder inventory = new("node_id,sku,on_hand,in_transit,reserved,sales_4w\n");
    private readonly StringBuilder freight = new("from_node,to_node,from_cluster,to_cluster,cost_per_unit,cost_per_shipment,transit_days\n");
    private readonly StringBuilder recentMoves = new("sku,from_node,to_node,quantity,applied_at\n");

    public string AsOf { get; set; } = "2026-11-20T00:00:00Z";

    public TestNetwork Warehouse(string id, string? cluster = null, bool ship = true) =>
        Add(nodes, $"{id},warehouse,{cluster},,,,true,{Bool(ship)}");

    public TestNetwork Store(string id, string cluster, int? capacity = null, bool receive = true, bool ship = true, double? lat = null, double? lon = null) =>
        Add(nodes, $"{id},store,{cluster},{Num(lat)},{Num(lon)},{capacity},{Bool(receive)},{Bool(ship)}");

    /// <summary>A style with the given sizes, SKUs named STYLE-SIZE.</summary>
    public TestNetwork Style(string style, int sizes, double price = 100, double cost = 40, string lifecycle = "core", string? seasonEnd = null, string category = "apparel")
    {
        for (var i = 1; i <= sizes; i++)
        {
            Add(products, $"{style}-{i},{style},{i},{i},{Num(cost)},{Num(price)},{lifecycle},{seasonEnd},{category}");
        }

        return this;
    }

    public TestNetwork Stock(string node, string sku, int onHand, double sales4w = 0, int inTransit = 0, int reserved = 0) =>
        Add(inventory, $"{node},{sku},{onHand},{inTransit},{reserved},{Num(sales4w)}");

    public TestNetwork ClusterFreight(string from, string to, double perUnit, double perShipment) =>
        Add(freight, $",,{from},{to},{Num(perUnit)},{Num(perShipment)},1");

    public TestNetwork NodeFreight(string from, string to, double perUnit, double perShipment) =>
        Add(freight, $"{from},{to},,,{Num(perUnit)},{Num(perShipment)},1");

    public TestNetwork RecentMove(string sku, string from, string to, int quantity, string appliedAt) =>
        Add(recentMoves, $"{sku},{from},{to},{quantity},{appliedAt}");

    public Dictionary<string, string> Files() => new()
    {
        ["snapshot.json"] = $$"""{"org_id":"test-org","as_of":"{{AsOf}}","currency":"ZAR","snapshot_id":"test"}""",
        ["nodes.csv"] = nodes.ToString(),
        ["products.csv"] = products.ToString(),
        ["inventory.csv"] = inventory.ToString(),
        ["freight.csv"] = freight.ToString(),
        ["recent_moves.csv"] = recentMoves.ToString(),
    };

    public Snapshot Load()
    {
        var result = SnapshotLoader.Load(new MemorySnapshotSource(Files()));
        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        return result.Snapshot!;
    }

    public Plan Plan(string policyJson = "{}")
    {
        var policy = PolicyReader.Read(policyJson);
        Assert.True(policy.Policy is not null, string.Join("\n", policy.Problems));
        return Planner.Create(Load(), policy.Policy!);
    }

    private static string Bool(bool value) => value ? "true" : "false";

    private static string Num(double? value) => value?.ToString(CultureInfo.InvariantCulture) ?? string.Empty;

    private TestNetwork Add(StringBuilder file, string line)
    {
        file.Append(line).Append('\n');
        return this;
    }
}
