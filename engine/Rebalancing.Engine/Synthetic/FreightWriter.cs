namespace Rebalancing.Engine.Synthetic;

/// <summary>
/// Writes <c>freight.csv</c>: every cluster to itself (cheap), about a third of cluster
/// pairs in both directions (expensive, by distance), and a few node-to-node routes. Other
/// pairs fall to the policy's distance pricing, since every node has coordinates.
/// </summary>
internal static class FreightWriter
{
    /// <summary>The header row.</summary>
    public const string Header = "from_node,to_node,from_cluster,to_cluster,cost_per_unit,cost_per_shipment,transit_days";

    /// <summary>Share of unordered cluster pairs that get a pair of rows (GP-WC always does).</summary>
    private const double ClusterPairShare = 0.35;

    /// <summary>Distance at which a cluster route reaches its top price.</summary>
    private const double LongHaulKm = 1400;

    /// <summary>Writes the file and returns the data rows written.</summary>
    public static long Write(NetworkModel model, TextWriter writer)
    {
        var csv = new CsvRowWriter(writer, Header);
        var rng = Prng.For(model.Seed, RandomStream.Freight, 0);
        ClusterModel[] clusters = model.Clusters;
        for (int c = 0; c < clusters.Length; c++)
        {
            // Within a metro: R2-6 a unit, R30-60 a shipment, next day.
            WriteRow(csv, null, null, clusters[c].Code, clusters[c].Code, Cents(rng.NextDouble(2, 6)), rng.NextInt(30, 60), 1);
        }

        for (int a = 0; a < clusters.Length; a++)
        {
            for (int b = a + 1; b < clusters.Length; b++)
            {
                bool always = a == 0 && b == 1;
                if (!rng.Chance(ClusterPairShare) && !always)
                {
                    continue;
                }

                double km = Geography.DistanceKm(clusters[a].Latitude, clusters[a].Longitude, clusters[b].Latitude, clusters[b].Longitude);
                double reach = Math.Min(1, km / LongHaulKm);
                int days = 2 + (int)(km / 500);
                foreach ((ClusterModel from, ClusterModel to) in new[] { (clusters[a], clusters[b]), (clusters[b], clusters[a]) })
                {
                    // Across the country: R15-40 a unit and R150-500 a shipment, by distance.
                    decimal unit = Cents(Math.Clamp((15 + (25 * reach)) * rng.NextDouble(0.9, 1.1), 15, 40));
                    int shipment = (int)Math.Clamp(Math.Round((150 + (350 * reach)) * rng.NextDouble(0.9, 1.1)), 150, 500);
                    WriteRow(csv, null, null, from.Code, to.Code, unit, shipment, days);
                }
            }
        }

        WriteNodeRoutes(model, csv, ref rng);
        return csv.Rows;
    }

    /// <summary>
    /// A few node routes (one per ten stores, 1 to 25), in turn: a warehouse's contracted
    /// carrier to a store; two stores of one cluster in the same centre (R50 a shipment);
    /// an express lane between stores of different clusters.
    /// </summary>
    private static void WriteNodeRoutes(NetworkModel model, CsvRowWriter csv, ref Prng rng)
    {
        NodeModel[] stores = model.Stores;
        int wanted = Math.Clamp(stores.Length / 10, 1, 25);
        var used = new HashSet<(string From, string To)>();
        for (int attempt = 0, written = 0; written < wanted && attempt < wanted * 10; attempt++)
        {
            NodeModel to = stores[rng.NextInt(stores.Length)];
            int kind = written % 3;
            NodeModel? from = kind switch
            {
                0 => model.Warehouses[rng.NextInt(model.Warehouses.Length)],
                1 => PickInCluster(model, to.Cluster, ref rng),
                _ => stores[rng.NextInt(stores.Length)],
            };
            if (from is null || from == to || (kind == 2 && from.Cluster == to.Cluster) || !used.Add((from.Id, to.Id)))
            {
                continue;
            }

            (decimal unit, int shipment, int days) = kind switch
            {
                0 => (Cents(rng.NextDouble(1, 3)), rng.NextInt(25, 45), 1),
                1 => (1m, 50, 0),
                _ => (Cents(rng.NextDouble(30, 45)), rng.NextInt(350, 500), 2),
            };
            WriteRow(csv, from.Id, to.Id, null, null, unit, shipment, days);
            written++;
        }
    }

    private static NodeModel? PickInCluster(NetworkModel model, int cluster, ref Prng rng)
    {
        ClusterModel c = model.Clusters[cluster];
        return c.StoreCount < 2 ? null : model.Stores[c.FirstStore + rng.NextInt(c.StoreCount)];
    }

    private static decimal Cents(double value) => (long)Math.Round(value * 100) / 100m;

    private static void WriteRow(CsvRowWriter csv, string? fromNode, string? toNode, string? fromCluster, string? toCluster, decimal unit, int shipment, int days)
    {
        csv.Field(fromNode);
        csv.Field(toNode);
        csv.Field(fromCluster);
        csv.Field(toCluster);
        csv.Field(unit);
        csv.Field(shipment);
        csv.Field(days);
        csv.EndRow();
    }
}
