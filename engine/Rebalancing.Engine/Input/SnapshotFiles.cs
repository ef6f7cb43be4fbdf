namespace Rebalancing.Engine.Input;

/// <summary>The file names of the snapshot format (snapshot-format.md).</summary>
public static class SnapshotFiles
{
    /// <summary>The header file.</summary>
    public const string Header = "snapshot.json";

    /// <summary>Nodes.</summary>
    public const string Nodes = "nodes.csv";

    /// <summary>Products.</summary>
    public const string Products = "products.csv";

    /// <summary>Inventory.</summary>
    public const string Inventory = "inventory.csv";

    /// <summary>Freight rates (optional).</summary>
    public const string Freight = "freight.csv";

    /// <summary>Recent moves (optional).</summary>
    public const string RecentMoves = "recent_moves.csv";
}
