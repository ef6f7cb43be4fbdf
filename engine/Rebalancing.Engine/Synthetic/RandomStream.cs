namespace Rebalancing.Engine.Synthetic;

/// <summary>Independent random streams, one per kind of generated entity.</summary>
internal enum RandomStream
{
    /// <summary>Coordinates of synthetic clusters beyond the named ones.</summary>
    Clusters = 1,

    /// <summary>One store's location, size and flags.</summary>
    Stores = 2,

    /// <summary>Which stores have a node flag disabled.</summary>
    DisabledStores = 3,

    /// <summary>A warehouse's location.</summary>
    Warehouses = 4,

    /// <summary>One style's category, sizes, prices and lifecycle.</summary>
    Styles = 5,

    /// <summary>Whether a node carries a style (a stateless decision).</summary>
    Carry = 6,

    /// <summary>A style's demand multiplier in one cluster.</summary>
    Affinity = 7,

    /// <summary>One (store, style) block of inventory rows.</summary>
    StoreInventory = 8,

    /// <summary>One (warehouse, style) block of inventory rows.</summary>
    WarehouseInventory = 9,

    /// <summary>A store's capacity relative to its stock.</summary>
    Capacity = 10,

    /// <summary>Freight rows.</summary>
    Freight = 11,

    /// <summary>One recent move.</summary>
    RecentMoves = 12,
}
