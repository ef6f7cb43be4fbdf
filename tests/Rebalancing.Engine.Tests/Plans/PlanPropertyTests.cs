using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using Rebalancing.Engine.Planning;
using Rebalancing.Engine.Plans;
using Rebalancing.Engine.Tests.Support;

namespace Rebalancing.Engine.Tests.Plans;

/// <summary>
/// The hard limits of engine-rules.md, checked on random small networks (<see cref="RandomNetwork"/>) from the
/// snapshot files and the plan alone, with the tests' own CSV parsing.
/// </summary>
public class PlanPropertyTests
{
    private const int Cases = 300;

    /// <summary>A policy with small limits so caps and maxima bind on small networks.</summary>
    private const string TightPolicy = """{"pass1": {"max_push_units": 4}, "pass2": {"max_route_units": 6, "max_transfer_units": 3}}""";

    private static readonly Config Configuration = Config.QuickThrowOnFailure.WithMaxTest(Cases);

    private static Arbitrary<int> Seeds => Arb.From(Gen.Choose(0, int.MaxValue - 1));

    /// <summary>The network of a seed with its plan under a policy, and the limits that policy sets.</summary>
    private sealed record Case(int Seed, Dictionary<string, string> Files, Plan Plan, List<Dictionary<string, string>> Moves, Limits Limits)
    {
        public static Case Of(int seed, string policy, Limits limits)
        {
            var files = RandomNetwork.Generate(seed);
            var plan = Planner.Create(RandomNetwork.Load(files), RandomNetwork.Policy(policy));
            return new Case(seed, files, plan, RandomNetwork.MovesCsv(plan), limits);
        }

        /// <summary>A network from the project's generator (clusters, capacities, disabled nodes, eol, recent moves).</summary>
        public static Case Generated(int seed)
        {
            var files = RandomNetwork.Generated(stores: 14, skus: 160, seed);
            var plan = Planner.Create(RandomNetwork.Load(files), RandomNetwork.Policy("{}"));
            return new Case(seed, files, plan, RandomNetwork.MovesCsv(plan), DefaultLimits);
        }

        public Dictionary<string, Dictionary<string, string>> Nodes { get; } = Csv.Parse(Files["nodes.csv"]).ToDictionary(r => r["node_id"]);

        public Dictionary<string, Dictionary<string, string>> Products { get; } = Csv.Parse(Files["products.csv"]).ToDictionary(r => r["sku"]);

        public Dictionary<(string Node, string Sku), Dictionary<string, string>> Inventory { get; } =
            Csv.Parse(Files["inventory.csv"]).ToDictionary(r => (r["node_id"], r["sku"]));

        public override string ToString() => $"seed {Seed}";
    }

    private sealed record Limits(int MaxPush, int MaxTransfer, int MaxRouteUnits);

    private static readonly Limits DefaultLimits = new(48, 24, 1000);
    private static readonly Limits TightLimits = new(4, 3, 6);

    private static readonly Lazy<Case[]> GeneratedCases = new(() => [.. Enumerable.Range(1, 3).Select(Case.Generated)]);

    /// <summary>
    /// Checks a property on three generated pilot-like networks, then on many random small networks under the default
    /// policy and under the tight one.
    /// </summary>
    private static void ForAllPlans(Action<Case> property)
    {
        foreach (var generated in GeneratedCases.Value)
        {
            property(generated);
        }

        Prop.ForAll(Seeds, seed =>
        {
            property(Case.Of(seed, "{}", DefaultLimits));
            property(Case.Of(seed, TightPolicy, TightLimits));
        }).Check(Configuration);
    }

    private static int Int(Dictionary<string, string> row, string key) =>
        row.TryGetValue(key, out var v) && v.Length > 0 ? int.Parse(v, CultureInfo.InvariantCulture) : 0;

    private static double Rate(Dictionary<string, string> row) =>
        row.TryGetValue("weekly_demand", out var w) && w.Length > 0
            ? double.Parse(w, CultureInfo.InvariantCulture)
            : double.Parse(row["sales_4w"], CultureInfo.InvariantCulture) / 4.0;

    private static bool IsStore(Case c, string node) => c.Nodes[node]["type"] == "store";

    /// <summary>on_hand + in_transit per (node, SKU) before the plan (missing pairs are 0).</summary>
    private static Dictionary<(string, string), int> Stock(Case c) =>
        c.Inventory.ToDictionary(kv => kv.Key, kv => Int(kv.Value, "on_hand") + Int(kv.Value, "in_transit"));

    private static Dictionary<(string, string), int> StockAfter(Case c)
    {
        var stock = Stock(c);
        foreach (var m in c.Moves)
        {
            var q = Int(m, "quantity");
            stock[(m["from_node"], m["sku"])] = stock.GetValueOrDefault((m["from_node"], m["sku"])) - q;
            stock[(m["to_node"], m["sku"])] = stock.GetValueOrDefault((m["to_node"], m["sku"])) + q;
        }

        return stock;
    }

    [Fact]
    public void Plan_AnyNetwork_ConservesUnitsPerSku() => ForAllPlans(c =>
    {
        Assert.All(c.Moves, m => Assert.True(Int(m, "quantity") > 0, $"{c}: quantity {m["quantity"]}"));
        var before = Stock(c).GroupBy(kv => kv.Key.Item2).ToDictionary(g => g.Key, g => g.Sum(kv => kv.Value));
        var after = StockAfter(c).GroupBy(kv => kv.Key.Item2).ToDictionary(g => g.Key, g => g.Sum(kv => kv.Value));
        foreach (var (sku, units) in after)
        {
            Assert.True(before.GetValueOrDefault(sku) == units, $"{c}: {sku} had {before.GetValueOrDefault(sku)} units, has {units}");
        }
    });

    [Fact]
    public void Plan_AnyNetwork_NoPositionGoesNegativeAndNoNodeSendsMoreThanItsMovableUnits() => ForAllPlans(c =>
    {
        var sent = c.Moves.GroupBy(m => (m["from_node"], m["sku"])).ToDictionary(g => g.Key, g => g.Sum(m => Int(m, "quantity")));
        var received = c.Moves.GroupBy(m => (m["to_node"], m["sku"])).ToDictionary(g => g.Key, g => g.Sum(m => Int(m, "quantity")));
        foreach (var ((node, sku), units) in sent)
        {
            Assert.True(c.Inventory.TryGetValue((node, sku), out var row), $"{c}: {node} sends {sku} without an inventory row");
            var isProtected = IsStore(c, node) && Rate(row) > 0 ? 1 : 0;
            var movable = Int(row, "on_hand") - Int(row, "reserved") - isProtected;
            Assert.True(units <= movable, $"{c}: {node} sends {units} of {sku}, movable {movable}");
        }

        foreach (var key in sent.Keys.Union(received.Keys))
        {
            var row = c.Inventory.GetValueOrDefault(key);
            var position = (row is null ? 0 : Int(row, "on_hand") + Int(row, "in_transit") - Int(row, "reserved"))
                - sent.GetValueOrDefault(key) + received.GetValueOrDefault(key);
            Assert.True(position >= 0, $"{c}: position of {key} ends at {position}");
        }
    });

    [Fact]
    public void Plan_AnyNetwork_ANodeSkuNeverBothSendsAndReceives() => ForAllPlans(c =>
    {
        var senders = c.Moves.Select(m => (m["from_node"], m["sku"])).ToHashSet();
        var receivers = c.Moves.Select(m => (m["to_node"], m["sku"])).ToHashSet();
        Assert.True(!senders.Overlaps(receivers), $"{c}: {string.Join(", ", senders.Intersect(receivers))} both send and receive");
    });

    [Fact]
    public void Plan_AnyNetwork_KeepsCapacityAndTheReceiveAndShipFlags() => ForAllPlans(c =>
    {
        var before = Stock(c).GroupBy(kv => kv.Key.Item1).ToDictionary(g => g.Key, g => g.Sum(kv => kv.Value));
        var after = StockAfter(c).GroupBy(kv => kv.Key.Item1).ToDictionary(g => g.Key, g => g.Sum(kv => kv.Value));
        var receivers = c.Moves.Select(m => m["to_node"]).ToHashSet();
        foreach (var (id, node) in c.Nodes)
        {
            if (node["capacity_units"] is { Length: > 0 } text)
            {
                var capacity = int.Parse(text, CultureInfo.InvariantCulture);
                var startedAbove = before.GetValueOrDefault(id) > capacity;
                Assert.True(after.GetValueOrDefault(id) <= capacity || (startedAbove && !receivers.Contains(id)), $"{c}: {id} ends with {after.GetValueOrDefault(id)} units, capacity {capacity}");
            }
        }

        Assert.All(c.Moves, m =>
        {
            Assert.True(c.Nodes[m["to_node"]]["receive_enabled"] != "false", $"{c}: {m["to_node"]} cannot receive");
            Assert.True(c.Nodes[m["from_node"]]["ship_enabled"] != "false", $"{c}: {m["from_node"]} cannot ship");
            Assert.NotEqual(m["from_node"], m["to_node"]);
        });
    });

    [Fact]
    public void Plan_AnyNetwork_EolStockNeverMovesBetweenStores() => ForAllPlans(c =>
        Assert.All(c.Moves, m => Assert.False(
            c.Products[m["sku"]]["lifecycle"] == "eol" && IsStore(c, m["from_node"]) && IsStore(c, m["to_node"]),
            $"{c}: eol {m["sku"]} moved {m["from_node"]} -> {m["to_node"]}")));

    [Fact]
    public void Plan_AnyNetwork_KeepsRouteCapsAndMoveQuantityLimits() => ForAllPlans(c =>
    {
        foreach (var route in c.Moves.GroupBy(m => (m["from_node"], m["to_node"])))
        {
            var units = route.Sum(m => Int(m, "quantity"));
            Assert.True(units <= c.Limits.MaxRouteUnits, $"{c}: route {route.Key} carries {units}");
        }

        Assert.Equal(c.Moves.Count, c.Moves.Select(m => (m["pass"], m["from_node"], m["to_node"], m["sku"])).Distinct().Count());
        foreach (var m in c.Moves)
        {
            var q = Int(m, "quantity");
            var (min, max) = m["pass"] switch
            {
                "1" => (2, c.Limits.MaxPush),
                "2" => (2, c.Limits.MaxTransfer),
                _ => (1, int.MaxValue),
            };
            Assert.True(q >= min && q <= max, $"{c}: pass {m["pass"]} move {m["from_node"]}->{m["to_node"]} {m["sku"]} quantity {q} outside [{min}, {max}]");
        }
    });

    private static decimal Money(Dictionary<string, string> row, string key) => decimal.Parse(row[key], CultureInfo.InvariantCulture);

    [Fact]
    public void Plan_AnyNetwork_EveryWrittenMoveHasPositiveNetBenefit() => ForAllPlans(c =>
        Assert.All(c.Moves, m =>
        {
            // Found by an independent checker: up to 11 moves of a 40-store plan were written with net_benefit <= 0.
            Assert.True(Money(m, "net_benefit") > 0, $"{c}: {m["move_id"]} net_benefit {m["net_benefit"]} (gp {m["gp_uplift"]}, freight {m["freight_cost"]})");
            Assert.Equal(Money(m, "gp_uplift") - Money(m, "freight_cost"), Money(m, "net_benefit"));
        }));

    [Fact]
    public void Plan_AnyNetwork_CrossClusterTransfersGainTheRatioTimesTheirFreightOnTheWrittenColumns() => ForAllPlans(c =>
    {
        // Found by an independent checker: the decision was taken on a marginal gain, and the written attribution
        // broke the rule (e.g. gp_uplift 198.10 < 1.5 x freight_cost 163.57). The default ratio is 1.5 in both policies.
        foreach (var m in c.Moves.Where(m => m["pass"] == "2" && m["from_cluster"] != m["to_cluster"]))
        {
            Assert.True(
                Money(m, "gp_uplift") >= 1.5m * Money(m, "freight_cost"),
                $"{c}: {m["move_id"]} {m["from_cluster"]} -> {m["to_cluster"]}: gp_uplift {m["gp_uplift"]} < 1.5 x freight_cost {m["freight_cost"]}");
        }
    });

    [Fact]
    public void Plan_AnyNetwork_RespectsCooldowns() => ForAllPlans(c =>
    {
        var asOf = DateTimeOffset.Parse(RandomNetwork.AsOf, CultureInfo.InvariantCulture);
        var recent = Csv.Parse(c.Files["recent_moves.csv"])
            .Where(r => (asOf - DateTimeOffset.Parse(r["applied_at"], CultureInfo.InvariantCulture)).TotalDays < 14)
            .ToList();
        var receivedRecently = recent.Select(r => (r["to_node"], r["sku"])).ToHashSet();
        var sentRecently = recent.Select(r => (r["from_node"], r["sku"])).ToHashSet();
        Assert.All(c.Moves, m =>
        {
            Assert.False(receivedRecently.Contains((m["from_node"], m["sku"])), $"{c}: {m["from_node"]} received {m["sku"]} recently and sends it");
            Assert.False(sentRecently.Contains((m["to_node"], m["sku"])), $"{c}: {m["to_node"]} sent {m["sku"]} recently and receives it");
        });
    });

    [Fact]
    public void Plan_AnyNetwork_EveryReceiverEndsWithAViableSizeRun() => ForAllPlans(c =>
    {
        var after = StockAfter(c);
        var styles = c.Products.Values.GroupBy(p => p["style"])
            .ToDictionary(g => g.Key, g => g.OrderBy(p => Int(p, "size_order")).Select(p => p["sku"]).ToList());
        foreach (var (node, style) in c.Moves.Select(m => (m["to_node"], m["style"])).Distinct())
        {
            var sizes = styles[style];
            int run = 0, longest = 0;
            foreach (var sku in sizes)
            {
                run = after.GetValueOrDefault((node, sku)) >= 1 ? run + 1 : 0;
                longest = Math.Max(longest, run);
            }

            Assert.True(longest >= Math.Min(3, sizes.Count), $"{c}: {node} receives {style} and ends with a longest run of {longest} of {sizes.Count} sizes");
        }
    });

    [Fact]
    public void Plan_AnyNetwork_EveryUntouchedInventoryRowHasExactlyOneBlockedRowAndTouchedRowsNone() => ForAllPlans(c =>
    {
        var touched = c.Moves.SelectMany(m => new[] { (m["from_node"], m["sku"]), (m["to_node"], m["sku"]) }).ToHashSet();
        var blocked = c.Plan.Blocked.GroupBy(b => (b.NodeId, b.Sku)).ToDictionary(g => g.Key, g => g.Count());
        foreach (var key in c.Inventory.Keys)
        {
            var expected = touched.Contains(key) ? 0 : 1;
            Assert.True(blocked.GetValueOrDefault(key) == expected, $"{c}: {key} has {blocked.GetValueOrDefault(key)} blocked rows, expected {expected}");
        }

        Assert.All(blocked.Keys, key => Assert.True(c.Inventory.ContainsKey(key), $"{c}: blocked row {key} is not an inventory row"));
    });

    [Fact]
    public void Plan_AnyNetwork_IsTheSameWhenInventoryRowsAreShuffled() => ForAllPlans(c =>
    {
        var files = new Dictionary<string, string>(c.Files) { ["inventory.csv"] = RandomNetwork.ShuffleRows(c.Files["inventory.csv"], c.Seed) };
        var shuffled = Planner.Create(RandomNetwork.Load(files), c.Plan.Policy);

        Assert.Equal(c.Plan.Hash, shuffled.Hash);
        Assert.Equal(c.Plan.Moves.ToArray(), shuffled.Moves.ToArray());
    });

    [Fact]
    public void Plan_AnyNetwork_EqualsAPlanningSessionRunWithClustersInReverseOrder() => ForAllPlans(c =>
    {
        var session = new PlanningSession(c.Plan.Snapshot, c.Plan.Policy);
        var pass1 = session.WarehousePush();
        var moves = pass1.ToList();
        foreach (var cluster in session.Clusters.Reverse())
        {
            moves.AddRange(session.StoreTransfersWithin(pass1, cluster));
        }

        moves.AddRange(session.StoreTransfersAcross(moves));
        moves.AddRange(session.Consolidate(moves));
        var staged = session.Assemble(moves);

        Assert.Equal(c.Plan.Hash, staged.Hash);
        Assert.Equal(c.Plan.Moves.ToArray(), staged.Moves.ToArray());
        Assert.Equal(c.Plan.Blocked.ToArray(), staged.Blocked.ToArray());
    });

    [Fact]
    public void Plan_BundleFromTwoWarehousesThatBuildsARun_HasPositiveNetBenefit()
    {
        // Found by the property below (seed 904800568, reduced): each warehouse sends one size; each route alone
        // "pays" for its shipment because removing it breaks the run, but the two shipments together cost more than
        // the run gains. Pass 1 may only push with positive net benefit.
        var plan = new TestNetwork()
            .Warehouse("W0").Warehouse("W1").Store("S1", "C1")
            .Style("ST", 3, price: 390, cost: 156, seasonEnd: "2027-01-15")
            .Stock("W0", "ST-1", 20).Stock("W1", "ST-2", 14)
            .Stock("S1", "ST-3", 3, sales4w: 4)
            .Plan();

        Assert.True(plan.Moves.IsEmpty || plan.NetBenefitCents > 0, $"{plan.Moves.Length} moves, net benefit {plan.NetBenefitCents / 100.0}");
    }

    [Fact]
    public void Plan_BundleOfSizesOnOneRoute_KeepsTheRouteCap()
    {
        // Found by the route-cap property (seed 904800237): a window of missing sizes is pushed as one bundle whose legs
        // were each checked against the route's room alone, so together they overran it.
        var plan = new TestNetwork()
            .Warehouse("W1").Store("S1", "GP")
            .Style("TEE", 4, price: 500)
            .Stock("W1", "TEE-1", 20).Stock("W1", "TEE-2", 20).Stock("W1", "TEE-3", 20).Stock("W1", "TEE-4", 20)
            .Stock("S1", "TEE-1", 0, sales4w: 12).Stock("S1", "TEE-2", 0, sales4w: 12).Stock("S1", "TEE-3", 0, sales4w: 12)
            .NodeFreight("W1", "S1", 1, 10)
            .Plan("""{"pass2": {"max_route_units": 5}}""");

        Assert.True(plan.UnitsMoved <= 5, $"route W1->S1 carries {plan.UnitsMoved} units, cap 5");
    }

    [Fact]
    public void Plan_AnyNetwork_NetBenefitEqualsTheIndependentRecomputation()
    {
        // IndependentCheck assumes the default policy, so only the default-policy plan is checked here.
        Prop.ForAll(Seeds, seed =>
        {
            var c = Case.Of(seed, "{}", DefaultLimits);
            var (gain, freight) = new IndependentCheck(c.Files).Recompute(c.Moves);
            var net = c.Plan.NetBenefitCents / 100.0;
            Assert.True(Math.Abs(gain - freight - net) <= 0.0101, $"{c}: summary net benefit {net}, recomputed {gain - freight:F4} (gain {gain:F4}, freight {freight:F4})");
            Assert.True(c.Moves.Count == 0 || net > 0, $"{c}: a plan with moves has net benefit {net}");
        }).Check(Configuration);
    }

    [Fact]
    public void UpperBound_IsNeverBelowThePlansNetBenefit() =>
        ForAllPlans(c => Assert.True(c.Plan.UpperBoundCents >= c.Plan.NetBenefitCents, $"{c}: bound {c.Plan.UpperBoundCents} < net {c.Plan.NetBenefitCents}"));

    [Fact]
    public void UpperBound_IsNeverBelowTheFairShareBaseline() =>
        ForAllPlans(c => Assert.True(
            c.Plan.UpperBoundCents + 1 >= (long)Math.Round(Rebalancing.Engine.Quality.FairShareBaseline.NetBenefit(c.Plan.Snapshot, c.Plan.Policy) * 100),
            $"{c}: the bound must hold for any plan, fair share included"));
}
