namespace Rebalancing.Engine.Model;

/// <summary>A warehouse or store, as read from <c>nodes.csv</c>.</summary>
/// <param name="Id">Unique node id.</param>
/// <param name="Name">Display name, empty when not given.</param>
/// <param name="Type">Warehouse or store.</param>
/// <param name="Cluster">Regional cluster, or <see langword="null"/> (warehouses may have none).</param>
/// <param name="ClusterIndex">Index of <paramref name="Cluster"/> in <see cref="Snapshot.Clusters"/>, or -1.</param>
/// <param name="Latitude">Latitude in decimal degrees, or <see langword="null"/>.</param>
/// <param name="Longitude">Longitude in decimal degrees, or <see langword="null"/>.</param>
/// <param name="CapacityUnits">Most units (on hand plus in transit, all SKUs) the node may hold; <see langword="null"/> is unlimited.</param>
/// <param name="ReceiveEnabled">False: the node receives nothing.</param>
/// <param name="ShipEnabled">False: the node sends nothing.</param>
public sealed record Node(
    string Id,
    string Name,
    NodeType Type,
    string? Cluster,
    int ClusterIndex,
    double? Latitude,
    double? Longitude,
    long? CapacityUnits,
    bool ReceiveEnabled,
    bool ShipEnabled)
{
    /// <summary>True for stores.</summary>
    public bool IsStore => Type == NodeType.Store;

    /// <summary>True when both coordinates are known.</summary>
    public bool HasCoordinates => Latitude.HasValue && Longitude.HasValue;
}
