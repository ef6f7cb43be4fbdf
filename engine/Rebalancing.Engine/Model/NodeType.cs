namespace Rebalancing.Engine.Model;

/// <summary>The role of a node in the network.</summary>
public enum NodeType
{
    /// <summary>A distribution centre: holds stock, has no demand of its own, sends in pass 1.</summary>
    Warehouse,

    /// <summary>A selling location in a regional cluster.</summary>
    Store,
}
