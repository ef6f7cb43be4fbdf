using System.Collections.Immutable;

namespace Rebalancing.Engine.Reasons;

/// <summary>One entry of the reason catalogue.</summary>
/// <param name="Code">The code.</param>
/// <param name="Name">Its written name.</param>
/// <param name="Pass">The pass that reports it ("1", "2", "3" or "any").</param>
/// <param name="Meaning">What it means.</param>
/// <param name="Unblock">What a planner can change to unblock it.</param>
public sealed record ReasonEntry(ReasonCode Code, string Name, string Pass, string Meaning, string Unblock);

/// <summary>
/// The whole catalogue of blocking reasons, in the order the engine checks them for an untouched row: the first
/// rule that stopped a row is its reason. docs/reason-codes.md is generated from this list and a test keeps it in step.
/// </summary>
public static class ReasonCatalogue
{
    /// <summary>Every reason, in checking order.</summary>
    public static ImmutableArray<ReasonEntry> Entries { get; } =
    [
        Entry(ReasonCode.NoDemand, "any", "no demand signal for the SKU at the node (or anywhere it could go) and nothing to gain from its style", "check sales_4w / weekly_demand; the stock is valued at its markdown price"),
        Entry(ReasonCode.NoSurplus, "any", "nothing movable beyond what the node keeps: on hand less reserved, protected units (store_protected_units) or warehouse reserve", "lower store_protected_units or pass1.warehouse_reserve_units"),
        Entry(ReasonCode.NodeDisabled, "any", "the node cannot send (ship_enabled=false) or receive (receive_enabled=false) in the role the row would play", "enable shipping or receiving for the node in nodes.csv"),
        Entry(ReasonCode.LifecycleBlocked, "2", "eol stock at a store: it moves only from a warehouse, never between stores", "change the product's lifecycle in products.csv"),
        Entry(ReasonCode.CooldownActive, "any", "a recent move of the SKU forbids this one: a node that received within cooldown_days does not send it, one that sent does not receive it", "wait until the window passes or shorten cooldown_days"),
        Entry(ReasonCode.ChangeCapReached, "any", "the SKU has moved change_cap_units_per_sku units in the window (recent moves plus this plan)", "raise change_cap_units_per_sku"),
        Entry(ReasonCode.FragmentLeftInPlace, "3", "the row's units are part of a fragment (a style at a store that is not a viable run) that pass 3 could not consolidate profitably into a viable run", "none needed: the fragment is better sold or marked down where it is"),
        Entry(ReasonCode.CapacityFull, "any", "the receiver has no room under capacity_units (on hand plus in transit)", "raise capacity_units or free space at the store"),
        Entry(ReasonCode.RouteCapReached, "any", "the route's unit cap (pass2.max_route_units) is used up in this run", "raise pass2.max_route_units"),
        Entry(ReasonCode.SizeRunNotViableAtDestination, "1, 2", "the receiver would hold a fragment: no bundle of sizes could make its style a viable run", "lower min_viable_run, or stock the neighbouring sizes"),
        Entry(ReasonCode.BreaksSourceSizeRun, "2, 3", "the move would turn the sender's viable run into a fragment", "none needed: the sender sells the run better whole"),
        Entry(ReasonCode.BelowMinQuantity, "1, 2", "the best move is under the minimum quantity (pass1.min_push_units / pass2.min_transfer_units)", "lower the minimum quantity"),
        Entry(ReasonCode.FreightExceedsUplift, "any", "freight (per unit plus the route's shipment cost) eats the gain", "negotiate freight or lower freight.default_cost_per_shipment"),
        Entry(ReasonCode.InterClusterUpliftTooLow, "2", "across clusters the gain is under pass2.inter_cluster_min_uplift_ratio times freight", "lower pass2.inter_cluster_min_uplift_ratio"),
        Entry(ReasonCode.Balanced, "any", "surplus and need exist but no move gains anything after the rules", "none needed"),
    ];

    private static readonly Dictionary<ReasonCode, ReasonEntry> ByCode = Entries.ToDictionary(e => e.Code);

    /// <summary>The entry of a code.</summary>
    /// <param name="code">The code.</param>
    /// <returns>Its entry.</returns>
    public static ReasonEntry Of(ReasonCode code) => ByCode[code];

    private static ReasonEntry Entry(ReasonCode code, string pass, string meaning, string unblock) =>
        new(code, ReasonNames.Name(code), pass, meaning, unblock);
}
