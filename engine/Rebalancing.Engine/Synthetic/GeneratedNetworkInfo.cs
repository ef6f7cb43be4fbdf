namespace Rebalancing.Engine.Synthetic;

/// <summary>What <see cref="NetworkGenerator.Generate"/> wrote: node counts and data rows per file (headers excluded).</summary>
public sealed record GeneratedNetworkInfo
{
    /// <summary>The <c>snapshot_id</c> written to <c>snapshot.json</c>.</summary>
    public required string SnapshotId { get; init; }

    /// <summary>Stores in <c>nodes.csv</c>.</summary>
    public required int Stores { get; init; }

    /// <summary>Warehouses in <c>nodes.csv</c>.</summary>
    public required int Warehouses { get; init; }

    /// <summary>Distinct store clusters.</summary>
    public required int Clusters { get; init; }

    /// <summary>Styles (size-run groups) in <c>products.csv</c>.</summary>
    public required int Styles { get; init; }

    /// <summary>Rows of <c>nodes.csv</c> (stores plus warehouses).</summary>
    public int NodeRows => Stores + Warehouses;

    /// <summary>Rows of <c>products.csv</c>: the requested SKU count.</summary>
    public required int ProductRows { get; init; }

    /// <summary>Rows of <c>inventory.csv</c>.</summary>
    public required long InventoryRows { get; init; }

    /// <summary>Rows of <c>freight.csv</c>.</summary>
    public required int FreightRows { get; init; }

    /// <summary>Rows of <c>recent_moves.csv</c>.</summary>
    public required int RecentMoveRows { get; init; }
}
