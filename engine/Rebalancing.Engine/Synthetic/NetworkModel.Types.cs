namespace Rebalancing.Engine.Synthetic;

/// <summary>One generated cluster.</summary>
internal sealed class ClusterModel
{
    /// <summary>The <c>cluster</c> value.</summary>
    public required string Code { get; init; }

    /// <summary>The centre's city.</summary>
    public required string City { get; init; }

    /// <summary>Centre latitude.</summary>
    public required double Latitude { get; init; }

    /// <summary>Centre longitude.</summary>
    public required double Longitude { get; init; }

    /// <summary>Stores lie within this distance of the centre.</summary>
    public required double RadiusKm { get; init; }

    /// <summary>Places store names are drawn from.</summary>
    public required string[] Places { get; init; }

    /// <summary>Index of the cluster's first store (stores are grouped by cluster).</summary>
    public int FirstStore { get; set; }

    /// <summary>Stores in the cluster (at least one).</summary>
    public int StoreCount { get; set; }
}

/// <summary>How a store's <c>capacity_units</c> relates to the stock it holds.</summary>
internal enum CapacityKind
{
    /// <summary>Empty: unlimited.</summary>
    None = 0,

    /// <summary>A little room (within about 2 % of its stock).</summary>
    NearFull = 1,

    /// <summary>Comfortable room (15-80 % above its stock).</summary>
    Roomy = 2,

    /// <summary>Starts above its capacity (5 % below its stock).</summary>
    Over = 3,
}

/// <summary>One generated node (store or warehouse).</summary>
internal sealed class NodeModel
{
    /// <summary>Index among the stores, or among the warehouses.</summary>
    public required int Index { get; init; }

    /// <summary>The <c>node_id</c>.</summary>
    public required string Id { get; init; }

    /// <summary>The display name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>True for a warehouse.</summary>
    public required bool IsWarehouse { get; init; }

    /// <summary>Index of the node's cluster; -1 for a warehouse.</summary>
    public required int Cluster { get; init; }

    /// <summary>Latitude.</summary>
    public required double Latitude { get; init; }

    /// <summary>Longitude.</summary>
    public required double Longitude { get; init; }

    /// <summary>Store velocity multiplier (log-normal, median 1); 0 for a warehouse.</summary>
    public double Multiplier { get; init; }

    /// <summary>Probability that the node carries a given style.</summary>
    public required double AssortmentShare { get; init; }

    /// <summary>A style the node always carries, so that no store is empty.</summary>
    public int AnchorStyle { get; init; }

    /// <summary>Share of carried styles with <c>weekly_demand</c> (a forecast) filled.</summary>
    public double ForecastShare { get; init; }

    /// <summary>How <c>capacity_units</c> is set.</summary>
    public CapacityKind Capacity { get; init; }

    /// <summary>False: the node receives nothing.</summary>
    public bool ReceiveEnabled { get; set; } = true;

    /// <summary>False: the node sends nothing.</summary>
    public bool ShipEnabled { get; set; } = true;
}

/// <summary>One generated style (a size-run group) and its SKUs.</summary>
internal sealed class StyleModel
{
    /// <summary>Index among the styles.</summary>
    public required int Index { get; init; }

    /// <summary>The <c>style</c> value; a SKU is <c>style-size</c>.</summary>
    public required string Id { get; init; }

    /// <summary>The category.</summary>
    public required Category Category { get; init; }

    /// <summary>Size labels in <c>size_order</c> (1-based position).</summary>
    public required string[] Sizes { get; init; }

    /// <summary>Share of the style's demand per size (bell-shaped, sums to 1).</summary>
    public required double[] SizeWeights { get; init; }

    /// <summary>Unit cost in cents.</summary>
    public required long CostCents { get; init; }

    /// <summary>Full price in cents.</summary>
    public required long PriceCents { get; init; }

    /// <summary>Lifecycle stage.</summary>
    public required Lifecycle Lifecycle { get; init; }

    /// <summary>Season end, or null.</summary>
    public required DateOnly? SeasonEnd { get; init; }

    /// <summary>Weekly demand of the whole style at a median store, before cluster affinity and lifecycle.</summary>
    public required double BaseRate { get; init; }

    /// <summary>Weekly demand of the whole style at a median store, lifecycle included.</summary>
    public double LifecycleRate => BaseRate * Catalogue.LifecycleDemand[(int)Lifecycle];
}
