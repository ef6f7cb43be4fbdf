namespace Rebalancing.Engine.Policies;

/// <summary>
/// The fully resolved value of every policy key except <c>overrides</c>: the org level of a
/// <see cref="Policy"/>, or the effective policy of one (node, SKU) from
/// <see cref="Policy.Resolve"/>. Immutable; <c>new PolicySettings()</c> equals
/// <see cref="Default"/>. Values are not checked here: <see cref="PolicyReader"/> and the
/// <see cref="Policy"/> constructor reject out-of-range values.
/// </summary>
public sealed record PolicySettings
{
    /// <summary>Every key at its default (policy.md), the value of the policy <c>{}</c>.</summary>
    public static PolicySettings Default { get; } = new();

    /// <summary>JSON <c>horizon_weeks</c>, default 8, at least 0, may be fractional: selling horizon for the value model, in weeks.</summary>
    public double HorizonWeeks { get; init; } = PolicyDefaults.HorizonWeeks;

    /// <summary>JSON <c>markdown_rate</c>, default 0.5, in [0, 1]: share of price lost on a unit that does not sell at full price.</summary>
    public double MarkdownRate { get; init; } = PolicyDefaults.MarkdownRate;

    /// <summary>JSON <c>fragment_demand_factor</c>, default 0.5, in [0, 1]: demand multiplier for a SKU whose style is not a viable size run at the node.</summary>
    public double FragmentDemandFactor { get; init; } = PolicyDefaults.FragmentDemandFactor;

    /// <summary>JSON <c>min_viable_run</c>, default 3, integer at least 1: consecutive sizes that make a sellable size run.</summary>
    public int MinViableRun { get; init; } = PolicyDefaults.MinViableRun;

    /// <summary>JSON <c>store_protected_units</c>, default 1, integer at least 0: units of a SKU a store keeps when it has demand for it.</summary>
    public int StoreProtectedUnits { get; init; } = PolicyDefaults.StoreProtectedUnits;

    /// <summary>JSON <c>pass1.min_push_units</c>, default 2, integer at least 0, at most <see cref="MaxPushUnits"/>: smallest warehouse-to-store push.</summary>
    public int MinPushUnits { get; init; } = PolicyDefaults.MinPushUnits;

    /// <summary>JSON <c>pass1.max_push_units</c>, default 48, integer at least 0: largest warehouse-to-store push.</summary>
    public int MaxPushUnits { get; init; } = PolicyDefaults.MaxPushUnits;

    /// <summary>JSON <c>pass1.warehouse_reserve_units</c>, default 0, integer at least 0: units per SKU a warehouse keeps.</summary>
    public int WarehouseReserveUnits { get; init; } = PolicyDefaults.WarehouseReserveUnits;

    /// <summary>JSON <c>pass2.min_transfer_units</c>, default 2, integer at least 0, at most <see cref="MaxTransferUnits"/>: smallest store-to-store transfer.</summary>
    public int MinTransferUnits { get; init; } = PolicyDefaults.MinTransferUnits;

    /// <summary>JSON <c>pass2.max_transfer_units</c>, default 24, integer at least 0: largest store-to-store transfer.</summary>
    public int MaxTransferUnits { get; init; } = PolicyDefaults.MaxTransferUnits;

    /// <summary>JSON <c>pass2.inter_cluster_min_uplift_ratio</c>, default 1.5, at least 0: across clusters, gain must be at least this multiple of freight.</summary>
    public double InterClusterMinUpliftRatio { get; init; } = PolicyDefaults.InterClusterMinUpliftRatio;

    /// <summary>JSON <c>pass2.max_route_units</c>, default 1000, integer at least 1: units one route may carry in one run.</summary>
    public int MaxRouteUnits { get; init; } = PolicyDefaults.MaxRouteUnits;

    /// <summary>JSON <c>pass3.enabled</c>, default <see langword="true"/>: whether pass 3 (consolidation) runs.</summary>
    public bool Pass3Enabled { get; init; } = PolicyDefaults.Pass3Enabled;

    /// <summary>JSON <c>freight.default_cost_per_unit</c>, default 5, at least 0: cost per unit when no freight row applies and no coordinates.</summary>
    public double FreightDefaultCostPerUnit { get; init; } = PolicyDefaults.FreightDefaultCostPerUnit;

    /// <summary>JSON <c>freight.cost_per_unit_per_km</c>, default 0.01, at least 0: distance pricing (great-circle km) when both nodes have coordinates.</summary>
    public double FreightCostPerUnitPerKm { get; init; } = PolicyDefaults.FreightCostPerUnitPerKm;

    /// <summary>JSON <c>freight.default_cost_per_shipment</c>, default 50, at least 0: cost per shipment when no freight row applies.</summary>
    public double FreightDefaultCostPerShipment { get; init; } = PolicyDefaults.FreightDefaultCostPerShipment;

    /// <summary>
    /// JSON <c>cooldown_days</c>, default 14, at least 0, may be fractional: a (SKU, node) that
    /// received within this window does not send it, and a (SKU, node) that sent does not receive it.
    /// </summary>
    public double CooldownDays { get; init; } = PolicyDefaults.CooldownDays;

    /// <summary>
    /// JSON <c>change_cap_units_per_sku</c>, default none (<see langword="null"/>: no cap), else an
    /// integer at least 0: most units of one SKU moved network-wide in the <c>cooldown_days</c>
    /// before <c>as_of</c> plus this plan.
    /// </summary>
    public int? ChangeCapUnitsPerSku { get; init; } = PolicyDefaults.ChangeCapUnitsPerSku;

    /// <summary>JSON <c>approval.elevated_value</c>, default 10000, at least 0: a move whose <c>quantity * unit_cost</c> reaches this needs an elevated approver.</summary>
    public double ElevatedValue { get; init; } = PolicyDefaults.ElevatedValue;

    /// <summary>
    /// JSON <c>approval.elevated_share_of_source</c>, default 0.5, in (0, 1]: a move that takes at
    /// least this share of the sender's on-hand at the start of the plan needs an elevated approver.
    /// </summary>
    public double ElevatedShareOfSource { get; init; } = PolicyDefaults.ElevatedShareOfSource;

    /// <summary>JSON <c>approval.timeout_hours</c>, default 72, above 0: an unapproved plan expires after this many hours.</summary>
    public double ApprovalTimeoutHours { get; init; } = PolicyDefaults.ApprovalTimeoutHours;
}
