using System.Globalization;

namespace Rebalancing.Engine.Synthetic;

/// <content>Stores.</content>
internal sealed partial class NetworkModel
{
    /// <summary>Sigma of the log of the store velocity multiplier: a few big stores, a long tail.</summary>
    private const double StoreSizeSigma = 0.75;

    /// <summary>Share of stores with receiving disabled, and again with shipping disabled.</summary>
    private const int DisabledPercent = 2;

    private NodeModel[] BuildStores(int count)
    {
        int width = Width(count, 3);
        string format = "D" + width.ToString(CultureInfo.InvariantCulture);
        var stores = new NodeModel[count];
        for (int c = 0; c < Clusters.Length; c++)
        {
            ClusterModel cluster = Clusters[c];
            int biggest = -1;
            for (int k = 0; k < cluster.StoreCount; k++)
            {
                int i = cluster.FirstStore + k;
                var rng = Prng.For(Seed, RandomStream.Stores, i);

                // Distance from the centre: mostly close in, some tens of km out.
                double u = rng.NextDouble();
                (double lat, double lon) = Scatter(ref rng, cluster.Latitude, cluster.Longitude, 0.5 + ((cluster.RadiusKm - 0.5) * u * u));
                double z = rng.NextStandardNormal();
                double share = Math.Clamp(0.68 + (0.05 * z) + rng.NextDouble(-0.04, 0.04), 0.5, 0.85);
                double forecastShare = rng.Chance(0.35) ? 0.85 : 0.05;
                double capacityDraw = rng.NextDouble();
                CapacityKind capacity = capacityDraw < 0.14 ? CapacityKind.NearFull
                    : capacityDraw < 0.16 ? CapacityKind.Over
                    : capacityDraw < 0.35 ? CapacityKind.Roomy
                    : CapacityKind.None;
                stores[i] = new NodeModel
                {
                    Index = i,
                    Id = "S" + (i + 1).ToString(format, CultureInfo.InvariantCulture),
                    Name = StoreName(cluster, k),
                    IsWarehouse = false,
                    Cluster = c,
                    Latitude = lat,
                    Longitude = lon,
                    Multiplier = DeterministicMath.Exp(StoreSizeSigma * z),
                    AssortmentShare = share,
                    ForecastShare = forecastShare,
                    Capacity = capacity,
                    AnchorStyle = rng.NextInt(Styles.Length),
                };
                if (biggest < 0 || stores[i].Multiplier > stores[biggest].Multiplier)
                {
                    biggest = i;
                }
            }

            if (cluster.StoreCount >= 3)
            {
                int k = biggest - cluster.FirstStore;
                stores[biggest].Name = cluster.Places[k % cluster.Places.Length] + " \"Flagship\"";
            }
        }

        DisableSome(stores);
        return stores;
    }

    /// <summary>
    /// Names like "Sandton Mall", unique within a cluster up to places x suffixes stores,
    /// then numbered; every eleventh store is an outlet ("Sandton Mall, Outlet").
    /// </summary>
    private static string StoreName(ClusterModel cluster, int k)
    {
        int places = cluster.Places.Length;
        int suffixes = Geography.StoreSuffixes.Length;
        string name = cluster.Places[k % places] + " " + Geography.StoreSuffixes[((k / places) + (k % places)) % suffixes];
        int round = k / (places * suffixes);
        if (round > 0)
        {
            name += " " + (round + 1).ToString(CultureInfo.InvariantCulture);
        }

        return k % 11 == 7 ? name + ", Outlet" : name;
    }

    /// <summary>About 2 % of stores (rounded) cannot receive, and a further 2 % cannot ship.</summary>
    private void DisableSome(NodeModel[] stores)
    {
        int count = ((stores.Length * DisabledPercent) + 50) / 100;
        if (count == 0)
        {
            return;
        }

        var rng = Prng.For(Seed, RandomStream.DisabledStores, 0);
        int[] order = Enumerable.Range(0, stores.Length).ToArray();
        int picks = Math.Min(stores.Length, 2 * count);
        for (int i = 0; i < picks; i++)
        {
            int j = i + rng.NextInt(stores.Length - i);
            (order[i], order[j]) = (order[j], order[i]);
            if (i < count)
            {
                stores[order[i]].ReceiveEnabled = false;
            }
            else
            {
                stores[order[i]].ShipEnabled = false;
            }
        }
    }
}
