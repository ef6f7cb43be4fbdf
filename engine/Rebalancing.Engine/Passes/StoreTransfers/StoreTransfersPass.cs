using Rebalancing.Engine.Passes.Shared;
using Rebalancing.Engine.Planning;

namespace Rebalancing.Engine.Passes.StoreTransfers;

/// <summary>
/// Pass 2: store to store (engine-rules.md). First within each cluster — a function of the state after pass 1 and
/// the cluster alone, so clusters can run as independent activities in any order — then across clusters over what
/// remains, where a transfer must also gain <c>pass2.inter_cluster_min_uplift_ratio</c> times its freight.
/// </summary>
internal static class StoreTransfersPass
{
    public const int Pass = 2;

    /// <summary>Transfers between the stores of one cluster.</summary>
    /// <param name="start">The state after pass 1.</param>
    /// <param name="cluster">The cluster whose stores trade.</param>
    public static PlanState WithinCluster(PlanState start, int cluster)
    {
        var budget = ClusterShareOfChangeCap(start, cluster);

        // Pairs are listed on one thread here: clusters already plan side by side, and listing on more threads only
        // added overhead at every size measured.
        return RoutePayment.PlanUntilRoutesPay(
            start,
            Pass,
            state => new TransferSearch(
                state,
                Pass,
                cluster,
                (int[])budget.Clone(),
                parallel: false).Run());
    }

    /// <summary>Transfers between stores of different clusters.</summary>
    /// <param name="start">The state after every cluster's transfers.</param>
    /// <param name="parallel">Whether pairs may be listed on several threads (the plan is the same either way).</param>
    public static PlanState AcrossClusters(PlanState start, bool parallel)
    {
        var context = start.Context;
        return RoutePayment.PlanUntilRoutesPay(
            start,
            Pass,
            state => new TransferSearch(
                state,
                Pass,
                -1,
                Enumerable.Repeat(int.MaxValue, context.Snapshot.Products.Length).ToArray(),
                parallel).Run(),
            (from, to) => InterClusterRatio(context, from, to));
    }

    /// <summary>
    /// The multiple of its freight a transfer between clusters must gain: the larger of the sender's and the
    /// receiver's <c>pass2.inter_cluster_min_uplift_ratio</c>.
    /// </summary>
    public static double InterClusterRatio(PlanContext context, int from, int to) =>
        Math.Max(context.NodePolicy[from].InterClusterMinUpliftRatio, context.NodePolicy[to].InterClusterMinUpliftRatio);

    /// <summary>
    /// The change cap is network-wide, but clusters plan independently: each cluster may use an equal share of what
    /// the cap has left after pass 1 (the first clusters take the remainder), so their sum never exceeds it. The
    /// cross-cluster step may then use whatever the clusters left.
    /// </summary>
    private static int[] ClusterShareOfChangeCap(PlanState state, int cluster)
    {
        var clusters = state.Context.Snapshot.Clusters.Length;
        var share = new int[state.ChangeCapLeft.Length];
        for (var sku = 0; sku < share.Length; sku++)
        {
            var left = state.ChangeCapLeft[sku];
            share[sku] = left == int.MaxValue ? int.MaxValue : (left / clusters) + (cluster < left % clusters ? 1 : 0);
        }

        return share;
    }
}
