namespace Rebalancing.Engine.Policies;

/// <summary>
/// The default value of every policy key (policy.md). This is the one place defaults live:
/// <see cref="PolicySettings"/>, the reader and the documentation all take them from here.
/// </summary>
public static class PolicyDefaults
{
    /// <summary><c>horizon_weeks</c>: selling horizon for the value model, in weeks.</summary>
    public const double HorizonWeeks = 8;

    /// <summary><c>markdown_rate</c>: share of price lost on a unit that does not sell at full price.</summary>
    public const double MarkdownRate = 0.5;

    /// <summary><c>fragment_demand_factor</c>: demand multiplier for a SKU whose style is not a viable run at the node.</summary>
    public const double FragmentDemandFactor = 0.5;

    /// <summary><c>min_viable_run</c>: consecutive sizes that make a sellable size run.</summary>
    public const int MinViableRun = 3;

    /// <summary><c>store_protected_units</c>: units of a SKU a store keeps when it has demand for it.</summary>
    public const int StoreProtectedUnits = 1;

    /// <summary><c>pass1.min_push_units</c>: smallest warehouse-to-store push.</summary>
    public const int MinPushUnits = 2;

    /// <summary><c>pass1.max_push_units</c>: largest warehouse-to-store push.</summary>
    public const int MaxPushUnits = 48;

    /// <summary><c>pass1.warehouse_reserve_units</c>: units per SKU a warehouse keeps.</summary>
    public const int WarehouseReserveUnits = 0;

    /// <summary><c>pass2.min_transfer_units</c>: smallest store-to-store transfer.</summary>
    public const int MinTransferUnits = 2;

    /// <summary><c>pass2.max_transfer_units</c>: largest store-to-store transfer.</summary>
    public const int MaxTransferUnits = 24;

    /// <summary><c>pass2.inter_cluster_min_uplift_ratio</c>: across clusters, gain must be at least this multiple of freight.</summary>
    public const double InterClusterMinUpliftRatio = 1.5;

    /// <summary><c>pass2.max_route_units</c>: units one route may carry in one run.</summary>
    public const int MaxRouteUnits = 1000;

    /// <summary><c>pass3.enabled</c>: whether pass 3 (consolidation) runs.</summary>
    public const bool Pass3Enabled = true;

    /// <summary><c>freight.default_cost_per_unit</c>: cost per unit when no freight row applies and no coordinates.</summary>
    public const double FreightDefaultCostPerUnit = 5;

    /// <summary><c>freight.cost_per_unit_per_km</c>: distance pricing (great-circle km) when both nodes have coordinates.</summary>
    public const double FreightCostPerUnitPerKm = 0.01;

    /// <summary><c>freight.default_cost_per_shipment</c>: cost per shipment when no freight row applies.</summary>
    public const double FreightDefaultCostPerShipment = 50;

    /// <summary><c>cooldown_days</c>: the cool-down window, in days.</summary>
    public const double CooldownDays = 14;

    /// <summary>
    /// <c>change_cap_units_per_sku</c>: most units of one SKU moved network-wide in the cool-down
    /// window plus this plan; <see langword="null"/> (no cap) by default.
    /// </summary>
    public static int? ChangeCapUnitsPerSku => null;

    /// <summary><c>approval.elevated_value</c>: a move whose <c>quantity * unit_cost</c> reaches this needs an elevated approver.</summary>
    public const double ElevatedValue = 10000;

    /// <summary><c>approval.elevated_share_of_source</c>: a move taking at least this share of the sender's on-hand needs an elevated approver.</summary>
    public const double ElevatedShareOfSource = 0.5;

    /// <summary><c>approval.timeout_hours</c>: an unapproved plan expires after this many hours.</summary>
    public const double ApprovalTimeoutHours = 72;

    /// <summary>
    /// The most entries <c>overrides</c> may hold: resolution keys its cache on a 64-bit mask
    /// with one bit per override.
    /// </summary>
    public const int MaxOverrides = 64;
}
