namespace Rebalancing.Engine.Reasons;

/// <summary>
/// Why the engine did not move an inventory row. The catalogue — name, pass, meaning and what a planner can change —
/// is <see cref="ReasonCatalogue"/>, rendered in docs/reason-codes.md; a test keeps the two in step.
/// </summary>
public enum ReasonCode
{
    /// <summary>The node has no demand signal for the SKU or its style, and nothing to send.</summary>
    NoDemand,

    /// <summary>Nothing movable beyond what the node can sell.</summary>
    NoSurplus,

    /// <summary>Surplus and need exist but no move gains anything.</summary>
    Balanced,

    /// <summary>The best move is under the minimum quantity.</summary>
    BelowMinQuantity,

    /// <summary>The receiver would hold a fragment.</summary>
    SizeRunNotViableAtDestination,

    /// <summary>The move would turn the sender's viable run into a fragment.</summary>
    BreaksSourceSizeRun,

    /// <summary>Freight eats the gain.</summary>
    FreightExceedsUplift,

    /// <summary>Across clusters the gain is under the required multiple of freight.</summary>
    InterClusterUpliftTooLow,

    /// <summary>The receiver has no room.</summary>
    CapacityFull,

    /// <summary>A recent move forbids this one.</summary>
    CooldownActive,

    /// <summary>The SKU has moved its allowed units in the window.</summary>
    ChangeCapReached,

    /// <summary>End-of-life stock at a store.</summary>
    LifecycleBlocked,

    /// <summary>The node cannot send or receive.</summary>
    NodeDisabled,

    /// <summary>The route's unit cap is used up.</summary>
    RouteCapReached,

    /// <summary>Pass 3 found no profitable consolidation.</summary>
    FragmentLeftInPlace,
}

/// <summary>Why the engine made a move.</summary>
public enum MoveReason
{
    /// <summary>The receiver had demand and nothing to sell.</summary>
    FillStockout,

    /// <summary>The move made the receiver's style a viable size run.</summary>
    CompleteSizeRun,

    /// <summary>Warehouse stock pushed to where it sells best.</summary>
    PushToDemand,

    /// <summary>Store surplus moved to a store that sells it better.</summary>
    TransferToDemand,

    /// <summary>Fragments gathered into one store of the cluster.</summary>
    ConsolidateRegional,
}
