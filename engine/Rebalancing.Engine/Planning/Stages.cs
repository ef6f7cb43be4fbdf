using Rebalancing.Engine.Passes.Consolidation;
using Rebalancing.Engine.Passes.StoreTransfers;

namespace Rebalancing.Engine.Planning;

/// <summary>The passes after pass 1, as state-to-state functions (folders under Passes/ implement them).</summary>
internal static class Stages
{
    public static PlanState StoreTransfersWithin(PlanState state, int cluster) => StoreTransfersPass.WithinCluster(state, cluster);

    public static PlanState StoreTransfersAcross(PlanState state, bool parallel) => StoreTransfersPass.AcrossClusters(state, parallel);

    public static PlanState Consolidate(PlanState state) => ConsolidationPass.Run(state);
}
