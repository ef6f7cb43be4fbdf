using System.Collections.Immutable;
using Rebalancing.Engine.Plans;

namespace Rebalancing.Engine.Explanations;

/// <summary>One node's view of a SKU, before and after the plan.</summary>
/// <param name="NodeId">The node.</param>
/// <param name="Cluster">Its cluster, empty for none.</param>
/// <param name="IsStore">Store or warehouse.</param>
/// <param name="HasInventoryRow">Whether the snapshot has a row for the pair (else a size the store may receive).</param>
/// <param name="PositionBefore">on_hand + in_transit - reserved at the start.</param>
/// <param name="PositionAfter">The position after the plan.</param>
/// <param name="Movable">Units the node could send at the start.</param>
/// <param name="WeeklyDemand">Demand rate per week.</param>
/// <param name="ViableBefore">Whether the style was a viable run at the node before the plan.</param>
/// <param name="ViableAfter">Whether it is after.</param>
/// <param name="MeanBefore">Poisson mean over the horizon before (after the fragment factor).</param>
/// <param name="MeanAfter">Poisson mean after.</param>
/// <param name="SellThroughLastUnitBefore">Probability the last unit of the position sells at full price, before.</param>
/// <param name="SellThroughNextUnitAfter">Probability one more unit would sell at full price, after.</param>
/// <param name="ValueBefore">Value of the position before.</param>
/// <param name="ValueAfter">Value after.</param>
/// <param name="Blocked">The reason, when the row is untouched.</param>
public sealed record NodeView(
    string NodeId,
    string Cluster,
    bool IsStore,
    bool HasInventoryRow,
    int PositionBefore,
    int PositionAfter,
    int Movable,
    double WeeklyDemand,
    bool ViableBefore,
    bool ViableAfter,
    double MeanBefore,
    double MeanAfter,
    double SellThroughLastUnitBefore,
    double SellThroughNextUnitAfter,
    double ValueBefore,
    double ValueAfter,
    BlockedRow? Blocked);

/// <summary>Everything the engine knows and decided about one SKU.</summary>
/// <param name="Sku">The SKU.</param>
/// <param name="Style">Its style.</param>
/// <param name="Size">Its size.</param>
/// <param name="UnitPrice">Full price.</param>
/// <param name="Nodes">Every node holding a row of the SKU or able to receive it, by node id.</param>
/// <param name="Moves">The plan's moves of the SKU.</param>
public sealed record SkuExplanation(string Sku, string Style, string Size, double UnitPrice, ImmutableArray<NodeView> Nodes, ImmutableArray<PlanMove> Moves);
