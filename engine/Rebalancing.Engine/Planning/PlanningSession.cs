using System.Collections.Immutable;
using Rebalancing.Engine.Model;
using Rebalancing.Engine.Passes.WarehousePush;
using Rebalancing.Engine.Plans;
using Rebalancing.Engine.Policies;

namespace Rebalancing.Engine.Planning;

/// <summary>
/// The plan as separate stages, for callers that run them as durable activities (the function app's orchestration):
/// pass 1, pass 2 within each cluster (independent: any order, any thread), pass 2 across clusters, pass 3, then
/// assembly. Each stage is a pure function of the snapshot, the policy and the moves of the stages before it, so a
/// pipeline that stores the moves between stages produces the same plan and hash as <see cref="Planner.Create"/>.
/// </summary>
public sealed class PlanningSession
{
    private readonly PlanContext context;

    /// <summary>Prepares a snapshot and policy for planning.</summary>
    /// <param name="snapshot">A validated snapshot.</param>
    /// <param name="policy">The policy.</param>
    public PlanningSession(Snapshot snapshot, Policy policy)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(policy);
        context = new PlanContext(snapshot, policy);
    }

    /// <summary>The clusters, in the order the cross-cluster step and assembly use (ordinal).</summary>
    public ImmutableArray<string> Clusters => context.Snapshot.Clusters;

    /// <summary>Pass 1: warehouse to store.</summary>
    /// <returns>The pass's moves.</returns>
    public ImmutableArray<StageMove> WarehousePush() => NewMoves(WarehousePushPass.Run(new PlanState(context)), 0);

    /// <summary>Pass 2 within one cluster, from the state after pass 1. Depends on no other cluster's result.</summary>
    /// <param name="movesSoFar">The moves of pass 1.</param>
    /// <param name="cluster">The cluster.</param>
    /// <returns>The cluster's transfers.</returns>
    public ImmutableArray<StageMove> StoreTransfersWithin(IReadOnlyList<StageMove> movesSoFar, string cluster)
    {
        ArgumentNullException.ThrowIfNull(movesSoFar);
        var state = Replay(movesSoFar);
        var before = state.Moves.Count;
        state = Stages.StoreTransfersWithin(state, ClusterIndex(cluster));
        return NewMoves(state, before);
    }

    /// <summary>Pass 2 across clusters, from the state after pass 1 and every cluster's transfers.</summary>
    /// <param name="movesSoFar">The moves of pass 1 and of every cluster, in any order.</param>
    /// <returns>The cross-cluster transfers.</returns>
    public ImmutableArray<StageMove> StoreTransfersAcross(IReadOnlyList<StageMove> movesSoFar)
    {
        ArgumentNullException.ThrowIfNull(movesSoFar);
        var state = Replay(movesSoFar);
        var before = state.Moves.Count;
        return NewMoves(Stages.StoreTransfersAcross(state), before);
    }

    /// <summary>Pass 3: sweep and consolidate fragments within each cluster.</summary>
    /// <param name="movesSoFar">The moves of passes 1 and 2.</param>
    /// <returns>The consolidation moves.</returns>
    public ImmutableArray<StageMove> Consolidate(IReadOnlyList<StageMove> movesSoFar)
    {
        ArgumentNullException.ThrowIfNull(movesSoFar);
        var state = Replay(movesSoFar);
        var before = state.Moves.Count;
        return NewMoves(Stages.Consolidate(state), before);
    }

    /// <summary>Assembles the plan from every stage's moves.</summary>
    /// <param name="allMoves">Every move of every stage, in any order.</param>
    /// <returns>The plan.</returns>
    public Plan Assemble(IReadOnlyList<StageMove> allMoves)
    {
        ArgumentNullException.ThrowIfNull(allMoves);
        return PlanAssembler.Assemble(Replay(allMoves));
    }

    /// <summary>
    /// Runs every stage in one process, clusters in parallel when <paramref name="parallel"/> is set, reporting each
    /// stage as it finishes.
    /// </summary>
    internal Plan Run(bool parallel, IProgress<PlanStage>? progress = null)
    {
        var pass1 = WarehousePush();
        progress?.Report(PlanStage.WarehousePush);
        var clusters = Clusters.Select((c, i) => (c, i)).ToList();
        var perCluster = new ImmutableArray<StageMove>[clusters.Count];
        if (parallel)
        {
            Parallel.ForEach(clusters, x => perCluster[x.i] = StoreTransfersWithin(pass1, x.c));
        }
        else
        {
            foreach (var (cluster, i) in clusters)
            {
                perCluster[i] = StoreTransfersWithin(pass1, cluster);
            }
        }

        progress?.Report(PlanStage.StoreTransfersWithin);
        var afterClusters = pass1.Concat(perCluster.SelectMany(m => m)).ToList();
        var across = StoreTransfersAcross(afterClusters);
        progress?.Report(PlanStage.StoreTransfersAcross);
        var afterPass2 = afterClusters.Concat(across).ToList();
        var pass3 = Consolidate(afterPass2);
        progress?.Report(PlanStage.Consolidation);
        var plan = Assemble([.. afterPass2, .. pass3]);
        progress?.Report(PlanStage.Assembly);
        return plan;
    }

    private int ClusterIndex(string cluster)
    {
        var index = context.Snapshot.Clusters.IndexOf(cluster, StringComparer.Ordinal);
        return index >= 0 ? index : throw new ArgumentException($"unknown cluster '{cluster}'", nameof(cluster));
    }

    /// <summary>
    /// Rebuilds the state from moves: sorted canonically first, so the order stage results arrive in never matters.
    /// </summary>
    private PlanState Replay(IReadOnlyList<StageMove> moves)
    {
        var state = new PlanState(context);
        var snapshot = context.Snapshot;
        foreach (var move in moves
            .OrderBy(m => m.Pass)
            .ThenBy(m => m.FromNode, StringComparer.Ordinal)
            .ThenBy(m => m.ToNode, StringComparer.Ordinal)
            .ThenBy(m => m.Sku, StringComparer.Ordinal))
        {
            var sku = snapshot.SkuIndex[move.Sku];
            var from = context.CellOf(snapshot.NodeIndex[move.FromNode], sku);
            var to = context.CellOf(snapshot.NodeIndex[move.ToNode], sku);
            if (from < 0 || to < 0)
            {
                throw new ArgumentException($"move {move.FromNode}->{move.ToNode} {move.Sku} does not fit the snapshot", nameof(moves));
            }

            state.Apply(move.Pass, from, to, move.Quantity);
        }

        return state;
    }

    private ImmutableArray<StageMove> NewMoves(PlanState state, int firstNew)
    {
        var snapshot = context.Snapshot;
        return [.. state.Moves.Skip(firstNew)
            .Where(m => m.Quantity > 0)
            .Select(m => new StageMove(
                m.Pass,
                snapshot.Nodes[context.CellNode[m.FromCell]].Id,
                snapshot.Nodes[context.CellNode[m.ToCell]].Id,
                snapshot.Products[context.CellSku[m.FromCell]].Sku,
                m.Quantity))
            .OrderBy(m => m.FromNode, StringComparer.Ordinal)
            .ThenBy(m => m.ToNode, StringComparer.Ordinal)
            .ThenBy(m => m.Sku, StringComparer.Ordinal)];
    }
}
