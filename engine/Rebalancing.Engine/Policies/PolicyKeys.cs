using System.Collections.Frozen;
using System.Collections.Immutable;

namespace Rebalancing.Engine.Policies;

/// <summary>
/// The one table of policy keys (policy.md): each key's dotted path, type, range and
/// <see cref="PolicySettings"/> property. Defaults come from <see cref="PolicyDefaults"/> through
/// the property initializers of <see cref="PolicySettings"/>.
/// </summary>
internal static class PolicyKeys
{
    /// <summary>The JSON name of the list of overrides.</summary>
    public const string Overrides = "overrides";

    /// <summary>The JSON name of an override's match.</summary>
    public const string Match = "match";

    /// <summary>The JSON name of the keys an override sets.</summary>
    public const string Set = "set";

    /// <summary>The fields of a match, sorted ordinally, with the <see cref="PolicyMatch"/> property each one fills.</summary>
    public static readonly ImmutableArray<(string Name, Func<PolicyMatch, string?> Get, Func<PolicyMatch, string, PolicyMatch> With)> MatchFields =
    [
        ("category", m => m.Category, (m, v) => m with { Category = v }),
        ("cluster", m => m.Cluster, (m, v) => m with { Cluster = v }),
        ("node_id", m => m.NodeId, (m, v) => m with { NodeId = v }),
        ("style", m => m.Style, (m, v) => m with { Style = v }),
    ];

    /// <summary>Every key, in the order of policy.md.</summary>
    public static readonly ImmutableArray<PolicyKey> All =
    [
        Number("horizon_weeks", PolicyRange.AtLeast(0), s => s.HorizonWeeks, (s, v) => s with { HorizonWeeks = v }),
        Number("markdown_rate", PolicyRange.Between(0, 1), s => s.MarkdownRate, (s, v) => s with { MarkdownRate = v }),
        Number("fragment_demand_factor", PolicyRange.Between(0, 1), s => s.FragmentDemandFactor, (s, v) => s with { FragmentDemandFactor = v }),
        Integer("min_viable_run", 1, s => s.MinViableRun, (s, v) => s with { MinViableRun = v }),
        Integer("store_protected_units", 0, s => s.StoreProtectedUnits, (s, v) => s with { StoreProtectedUnits = v }),
        Integer("pass1.min_push_units", 0, s => s.MinPushUnits, (s, v) => s with { MinPushUnits = v }),
        Integer("pass1.max_push_units", 0, s => s.MaxPushUnits, (s, v) => s with { MaxPushUnits = v }),
        Integer("pass1.warehouse_reserve_units", 0, s => s.WarehouseReserveUnits, (s, v) => s with { WarehouseReserveUnits = v }),
        Integer("pass2.min_transfer_units", 0, s => s.MinTransferUnits, (s, v) => s with { MinTransferUnits = v }),
        Integer("pass2.max_transfer_units", 0, s => s.MaxTransferUnits, (s, v) => s with { MaxTransferUnits = v }),
        Number("pass2.inter_cluster_min_uplift_ratio", PolicyRange.AtLeast(0), s => s.InterClusterMinUpliftRatio, (s, v) => s with { InterClusterMinUpliftRatio = v }),
        Integer("pass2.max_route_units", 0, s => s.MaxRouteUnits, (s, v) => s with { MaxRouteUnits = v }),
        Boolean("pass3.enabled", s => s.Pass3Enabled, (s, v) => s with { Pass3Enabled = v }),
        Number("freight.default_cost_per_unit", PolicyRange.AtLeast(0), s => s.FreightDefaultCostPerUnit, (s, v) => s with { FreightDefaultCostPerUnit = v }),
        Number("freight.cost_per_unit_per_km", PolicyRange.AtLeast(0), s => s.FreightCostPerUnitPerKm, (s, v) => s with { FreightCostPerUnitPerKm = v }),
        Number("freight.default_cost_per_shipment", PolicyRange.AtLeast(0), s => s.FreightDefaultCostPerShipment, (s, v) => s with { FreightDefaultCostPerShipment = v }),
        Number("cooldown_days", PolicyRange.AtLeast(0), s => s.CooldownDays, (s, v) => s with { CooldownDays = v }),
        NullableInteger("change_cap_units_per_sku", 0, s => s.ChangeCapUnitsPerSku, (s, v) => s with { ChangeCapUnitsPerSku = v }),
        Number("approval.elevated_value", PolicyRange.AtLeast(0), s => s.ElevatedValue, (s, v) => s with { ElevatedValue = v }),
        Number("approval.elevated_share_of_source", PolicyRange.Between(0, 1), s => s.ElevatedShareOfSource, (s, v) => s with { ElevatedShareOfSource = v }),
        Number("approval.timeout_hours", PolicyRange.AtLeast(0), s => s.ApprovalTimeoutHours, (s, v) => s with { ApprovalTimeoutHours = v }),
    ];

    /// <summary>Every key by its dotted path.</summary>
    public static readonly FrozenDictionary<string, PolicyKey> ByPath =
        All.ToFrozenDictionary(key => key.Path, StringComparer.Ordinal);

    /// <summary>The nested objects (<c>pass1</c>, <c>pass2</c>, ...).</summary>
    public static readonly FrozenSet<string> Groups =
        All.Where(key => key.Group is not null).Select(key => key.Group!).ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The top-level JSON names of a policy (keys, groups and <c>overrides</c>), sorted ordinally.</summary>
    public static readonly ImmutableArray<string> TopLevelNames =
        [.. All.Select(key => key.TopLevelName).Append(Overrides).Distinct().Order(StringComparer.Ordinal)];

    /// <summary>Keys whose value must not exceed another's: (min, max).</summary>
    public static readonly ImmutableArray<(PolicyKey Min, PolicyKey Max)> MinMaxPairs =
    [
        (ByPath["pass1.min_push_units"], ByPath["pass1.max_push_units"]),
        (ByPath["pass2.min_transfer_units"], ByPath["pass2.max_transfer_units"]),
    ];

    private static PolicyKey Number(string path, PolicyRange range, Func<PolicySettings, double> get, Func<PolicySettings, double, PolicySettings> set) =>
        new(path, PolicyKeyKind.Number, range, s => PolicyValue.FromNumber(get(s)), (s, v) => set(s, v.Number));

    private static PolicyKey Integer(string path, int minimum, Func<PolicySettings, int> get, Func<PolicySettings, int, PolicySettings> set) =>
        new(path, PolicyKeyKind.Integer, PolicyRange.AtLeast(minimum), s => PolicyValue.FromNumber(get(s)), (s, v) => set(s, checked((int)v.Number)));

    private static PolicyKey NullableInteger(string path, int minimum, Func<PolicySettings, int?> get, Func<PolicySettings, int?, PolicySettings> set) =>
        new(
            path,
            PolicyKeyKind.NullableInteger,
            PolicyRange.AtLeast(minimum),
            s => get(s) is { } value ? PolicyValue.FromNumber(value) : PolicyValue.Null,
            (s, v) => set(s, v.IsNull ? null : checked((int)v.Number)));

    private static PolicyKey Boolean(string path, Func<PolicySettings, bool> get, Func<PolicySettings, bool, PolicySettings> set) =>
        new(path, PolicyKeyKind.Boolean, default, s => PolicyValue.FromBoolean(get(s)), (s, v) => set(s, v.Boolean));
}
