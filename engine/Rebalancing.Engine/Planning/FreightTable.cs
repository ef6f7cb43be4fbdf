using Rebalancing.Engine.Model;

namespace Rebalancing.Engine.Planning;

/// <summary>The price of one directed route: per unit, and once per shipment in a run.</summary>
/// <param name="CostPerUnit">Cost of one unit.</param>
/// <param name="CostPerShipment">Fixed cost of using the route in the run.</param>
/// <param name="Source">Which rule priced the route.</param>
public readonly record struct RoutePrice(double CostPerUnit, double CostPerShipment, FreightSource Source);

/// <summary>Which rule priced a route (snapshot-format.md, freight.csv: the most specific wins).</summary>
public enum FreightSource
{
    /// <summary>A node-to-node row.</summary>
    NodeRoute,

    /// <summary>A cluster-to-cluster row.</summary>
    ClusterRoute,

    /// <summary>Great-circle distance times <c>freight.cost_per_unit_per_km</c>.</summary>
    Distance,

    /// <summary><c>freight.default_cost_per_unit</c>.</summary>
    Default,
}

/// <summary>Resolves the price of a route: node pair, then cluster pair, then distance, then the default.</summary>
internal sealed class FreightTable
{
    private const double EarthRadiusKm = 6371.0;
    private readonly Snapshot snapshot;
    private readonly Dictionary<(int From, int To), FreightRate> nodeRoutes = [];
    private readonly Dictionary<(int From, int To), FreightRate> clusterRoutes = [];

    public FreightTable(Snapshot snapshot)
    {
        this.snapshot = snapshot;
        var clusterIndex = snapshot.Clusters.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        foreach (var rate in snapshot.Freight)
        {
            if (rate.IsNodeRoute)
            {
                nodeRoutes[(snapshot.NodeIndex[rate.FromNode!], snapshot.NodeIndex[rate.ToNode!])] = rate;
            }
            else if (clusterIndex.TryGetValue(rate.FromCluster!, out var from) && clusterIndex.TryGetValue(rate.ToCluster!, out var to))
            {
                clusterRoutes[(from, to)] = rate;
            }
        }
    }

    /// <summary>Prices the route from one node to another with the sender's freight defaults.</summary>
    public RoutePrice Price(int from, int to, double defaultCostPerUnit, double costPerUnitPerKm, double defaultCostPerShipment)
    {
        if (nodeRoutes.TryGetValue((from, to), out var nodeRate))
        {
            return new RoutePrice(nodeRate.CostPerUnit, nodeRate.CostPerShipment ?? defaultCostPerShipment, FreightSource.NodeRoute);
        }

        var a = snapshot.Nodes[from];
        var b = snapshot.Nodes[to];
        if (a.ClusterIndex >= 0 && b.ClusterIndex >= 0 && clusterRoutes.TryGetValue((a.ClusterIndex, b.ClusterIndex), out var clusterRate))
        {
            return new RoutePrice(clusterRate.CostPerUnit, clusterRate.CostPerShipment ?? defaultCostPerShipment, FreightSource.ClusterRoute);
        }

        if (a.HasCoordinates && b.HasCoordinates)
        {
            var km = HaversineKm(a.Latitude!.Value, a.Longitude!.Value, b.Latitude!.Value, b.Longitude!.Value);
            return new RoutePrice(km * costPerUnitPerKm, defaultCostPerShipment, FreightSource.Distance);
        }

        return new RoutePrice(defaultCostPerUnit, defaultCostPerShipment, FreightSource.Default);
    }

    /// <summary>Great-circle distance (haversine, Earth radius 6371.0 km).</summary>
    public static double HaversineKm(double lat1, double lon1, double lat2, double lon2)
    {
        static double Radians(double degrees) => degrees * Math.PI / 180.0;
        var dLat = Radians(lat2 - lat1);
        var dLon = Radians(lon2 - lon1);
        var h = (Math.Sin(dLat / 2) * Math.Sin(dLat / 2)) + (Math.Cos(Radians(lat1)) * Math.Cos(Radians(lat2)) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2));
        return 2 * EarthRadiusKm * Math.Asin(Math.Min(1.0, Math.Sqrt(h)));
    }
}
