using System.Globalization;

namespace Rebalancing.Engine.Synthetic;

/// <content>Clusters and warehouses.</content>
internal sealed partial class NetworkModel
{
    private ClusterModel[] BuildClusters(int count, int stores)
    {
        var clusters = new ClusterModel[count];
        var weights = new int[count];
        for (int c = 0; c < count; c++)
        {
            if (c < Geography.Named.Length)
            {
                ClusterSite site = Geography.Named[c];
                clusters[c] = new ClusterModel
                {
                    Code = site.Code,
                    City = site.City,
                    Latitude = site.Latitude,
                    Longitude = site.Longitude,
                    RadiusKm = site.RadiusKm,
                    Places = site.Places,
                };
                weights[c] = site.Weight;
            }
            else
            {
                var rng = Prng.For(Seed, RandomStream.Clusters, c);
                var box = Geography.SyntheticBox;
                string code = "C" + (c + 1).ToString(CultureInfo.InvariantCulture);
                clusters[c] = new ClusterModel
                {
                    Code = code,
                    City = "Region " + code,
                    Latitude = rng.NextDouble(box.MinLat, box.MaxLat),
                    Longitude = rng.NextDouble(box.MinLon, box.MaxLon),
                    RadiusKm = Geography.SyntheticRadiusKm,
                    Places = [code + " Town", code + " North", code + " South", code + " Central"],
                };
                weights[c] = Geography.SyntheticWeight;
            }
        }

        AllocateStores(clusters, weights, stores);
        return clusters;
    }

    /// <summary>
    /// One store per cluster, then the rest by weight with the largest-remainder method
    /// (integer arithmetic, ties to the earlier cluster).
    /// </summary>
    private static void AllocateStores(ClusterModel[] clusters, int[] weights, int stores)
    {
        long totalWeight = 0;
        foreach (int w in weights)
        {
            totalWeight += w;
        }

        long rest = stores - clusters.Length;
        var counts = new long[clusters.Length];
        var remainders = new long[clusters.Length];
        long given = 0;
        for (int c = 0; c < clusters.Length; c++)
        {
            long share = rest * weights[c];
            counts[c] = 1 + (share / totalWeight);
            remainders[c] = share % totalWeight;
            given += counts[c] - 1;
        }

        int[] order = Enumerable.Range(0, clusters.Length)
            .OrderByDescending(c => remainders[c])
            .ThenBy(c => c)
            .ToArray();
        for (int i = 0; given < rest; i++, given++)
        {
            counts[order[i]]++;
        }

        int first = 0;
        for (int c = 0; c < clusters.Length; c++)
        {
            clusters[c].FirstStore = first;
            clusters[c].StoreCount = (int)counts[c];
            first += (int)counts[c];
        }
    }

    /// <summary>
    /// Warehouses sit 10-25 km from a cluster centre: the first by the largest cluster, the
    /// next by the next cluster, cycling. They carry most styles (the first about 92 %).
    /// </summary>
    private NodeModel[] BuildWarehouses(int count)
    {
        int width = Width(count, 2);
        var warehouses = new NodeModel[count];
        for (int w = 0; w < count; w++)
        {
            var rng = Prng.For(Seed, RandomStream.Warehouses, w);
            ClusterModel near = Clusters[w % Clusters.Length];
            (double lat, double lon) = Scatter(ref rng, near.Latitude, near.Longitude, rng.NextDouble(10, 25));
            int round = w / Clusters.Length;
            string suffix = round == 0 ? string.Empty : " " + (round + 1).ToString(CultureInfo.InvariantCulture);
            warehouses[w] = new NodeModel
            {
                Index = w,
                Id = "W" + (w + 1).ToString("D" + width.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
                Name = "Distribution Centre, " + near.City + suffix,
                IsWarehouse = true,
                Cluster = -1,
                Latitude = lat,
                Longitude = lon,
                AssortmentShare = w == 0 ? 0.92 : 0.7,
                AnchorStyle = rng.NextInt(Styles.Length),
            };
        }

        return warehouses;
    }

    /// <summary>A point <paramref name="km"/> from a centre, in a uniformly random direction.</summary>
    private static (double Latitude, double Longitude) Scatter(ref Prng rng, double latitude, double longitude, double km)
    {
        // A direction by rejection in the unit disc: no trigonometry, so identical everywhere.
        double x;
        double y;
        double r2;
        do
        {
            x = rng.NextDouble(-1, 1);
            y = rng.NextDouble(-1, 1);
            r2 = (x * x) + (y * y);
        }
        while (r2 > 1 || r2 < 1e-6);

        double r = Math.Sqrt(r2);
        double dy = y / r * km / Geography.KmPerDegreeLatitude;
        double dx = x / r * km / Geography.KmPerDegreeLongitudeAt(latitude);
        return (latitude + dy, longitude + dx);
    }
}
