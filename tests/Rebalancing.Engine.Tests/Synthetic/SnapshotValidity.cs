using System.Globalization;

namespace Rebalancing.Engine.Tests.Synthetic;

/// <summary>Checks a generated snapshot against the rules of snapshot-format.md.</summary>
internal static class SnapshotValidity
{
    public static void AssertValid(GeneratedSnapshot snapshot)
    {
        CsvTable nodes = snapshot.Nodes;
        CsvTable products = snapshot.Products;
        CsvTable inventory = snapshot.Inventory;

        // nodes.csv: unique ids, known types, stores clustered, coordinates both or neither, booleans.
        var nodeIds = new HashSet<string>(StringComparer.Ordinal);
        var clusters = new HashSet<string>(StringComparer.Ordinal);
        foreach (string[] row in nodes.Rows)
        {
            Assert.True(nodeIds.Add(nodes.Get(row, "node_id")), $"duplicate node {nodes.Get(row, "node_id")}");
            string type = nodes.Get(row, "type");
            Assert.Contains(type, new[] { "store", "warehouse" });
            string cluster = nodes.Get(row, "cluster");
            if (type == "store")
            {
                Assert.NotEqual(string.Empty, cluster);
                clusters.Add(cluster);
            }

            Assert.Equal(nodes.Get(row, "latitude").Length == 0, nodes.Get(row, "longitude").Length == 0);
            if (nodes.Get(row, "latitude").Length > 0)
            {
                Assert.InRange(nodes.Decimal(row, "latitude"), -90m, 90m);
                Assert.InRange(nodes.Decimal(row, "longitude"), -180m, 180m);
            }

            if (nodes.Get(row, "capacity_units").Length > 0)
            {
                Assert.True(nodes.Int(row, "capacity_units") >= 0);
            }

            Assert.Contains(nodes.Get(row, "receive_enabled"), new[] { "true", "false" });
            Assert.Contains(nodes.Get(row, "ship_enabled"), new[] { "true", "false" });
        }

        // products.csv: unique SKUs, unique size_order per style, price > cost > 0, known lifecycle, ISO dates.
        var skus = new HashSet<string>(StringComparer.Ordinal);
        var sizeOrders = new HashSet<(string, int)>();
        foreach (string[] row in products.Rows)
        {
            Assert.True(skus.Add(products.Get(row, "sku")), $"duplicate sku {products.Get(row, "sku")}");
            Assert.True(sizeOrders.Add((products.Get(row, "style"), products.Int(row, "size_order"))));
            Assert.True(products.Int(row, "size_order") >= 1);
            Assert.NotEqual(string.Empty, products.Get(row, "size"));
            decimal cost = products.Decimal(row, "unit_cost");
            decimal price = products.Decimal(row, "unit_price");
            Assert.True(cost > 0 && price > cost, $"cost {cost} price {price}");
            Assert.Contains(products.Get(row, "lifecycle"), new[] { "new", "core", "clearance", "eol" });
            string seasonEnd = products.Get(row, "season_end");
            if (seasonEnd.Length > 0)
            {
                Assert.True(DateOnly.TryParseExact(seasonEnd, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _), seasonEnd);
            }
        }

        // inventory.csv: known node and SKU, unique pair, non-negative, reserved <= on_hand.
        var pairs = new HashSet<(string, string)>();
        foreach (string[] row in inventory.Rows)
        {
            string node = inventory.Get(row, "node_id");
            string sku = inventory.Get(row, "sku");
            Assert.True(nodeIds.Contains(node), $"unknown node {node}");
            Assert.True(skus.Contains(sku), $"unknown sku {sku}");
            Assert.True(pairs.Add((node, sku)), $"duplicate inventory row {node},{sku}");
            int onHand = inventory.Int(row, "on_hand");
            int reserved = inventory.Int(row, "reserved");
            Assert.True(inventory.Int(row, "in_transit") >= 0);
            Assert.True(reserved <= onHand, $"{node},{sku}: reserved {reserved} > on_hand {onHand}");
            Assert.True(inventory.Decimal(row, "sales_4w") >= 0);
            if (inventory.Get(row, "weekly_demand").Length > 0)
            {
                Assert.True(inventory.Decimal(row, "weekly_demand") >= 0);
            }
        }

        // freight.csv: one pair filled, known nodes and clusters, unique routes.
        var routes = new HashSet<(string, string, string, string)>();
        CsvTable freight = snapshot.Freight;
        foreach (string[] row in freight.Rows)
        {
            string fromNode = freight.Get(row, "from_node");
            string toNode = freight.Get(row, "to_node");
            string fromCluster = freight.Get(row, "from_cluster");
            string toCluster = freight.Get(row, "to_cluster");
            bool nodeRoute = fromNode.Length > 0 && toNode.Length > 0 && fromCluster.Length == 0 && toCluster.Length == 0;
            bool clusterRoute = fromCluster.Length > 0 && toCluster.Length > 0 && fromNode.Length == 0 && toNode.Length == 0;
            Assert.True(nodeRoute ^ clusterRoute);
            if (nodeRoute)
            {
                Assert.Contains(fromNode, nodeIds);
                Assert.Contains(toNode, nodeIds);
                Assert.NotEqual(fromNode, toNode);
            }
            else
            {
                Assert.Contains(fromCluster, clusters);
                Assert.Contains(toCluster, clusters);
            }

            Assert.True(routes.Add((fromNode, toNode, fromCluster, toCluster)));
            Assert.True(freight.Decimal(row, "cost_per_unit") >= 0);
            Assert.True(freight.Decimal(row, "cost_per_shipment") >= 0);
            Assert.True(freight.Int(row, "transit_days") >= 0);
        }

        // recent_moves.csv: known SKU and nodes, quantity > 0, applied in the 30 days before as_of.
        CsvTable moves = snapshot.RecentMoves;
        foreach (string[] row in moves.Rows)
        {
            Assert.Contains(moves.Get(row, "sku"), skus);
            Assert.Contains(moves.Get(row, "from_node"), nodeIds);
            Assert.Contains(moves.Get(row, "to_node"), nodeIds);
            Assert.NotEqual(moves.Get(row, "from_node"), moves.Get(row, "to_node"));
            Assert.True(moves.Int(row, "quantity") > 0);
            DateTimeOffset appliedAt = DateTimeOffset.ParseExact(moves.Get(row, "applied_at"), "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            Assert.InRange(appliedAt, snapshot.AsOf.AddDays(-30), snapshot.AsOf);
        }
    }
}
