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
        return NewMoves(Stages.StoreTransfersAcross(state, parallel: true), before);
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
    /// <remarks>
    /// States pass from stage to stage directly instead of as <see cref="StageMove"/> lists, but each stage starts
    /// from <see cref="Rebuild"/> — exactly the state <see cref="Replay"/> would give it — so the plan and its hash
    /// are the same as a pipeline that runs the stages as separate activities.
    /// </remarks>
    internal Plan Run(bool parallel, IProgress<PlanStage>? progress = null)
    {
        // The upper bound and the input's hashes depend on the input alone: with a second core they are worked out
        // while the passes run (most of the passes use one core), and assembly only waits for what is left.
        var inputWork = parallel ? Task.Run(() => PlanAssembler.InputWork.For(context)) : null;
        var afterPass1 = Rebuild(WarehousePushPass.Run(new PlanState(context)).Moves);
        progress?.Report(PlanStage.WarehousePush);
        var clusterCount = context.Snapshot.Clusters.Length;
        var perCluster = new PlanState[clusterCount];
        if (parallel)
        {
            // Largest clusters first, one at a time per worker: the biggest cluster bounds the step, so it must not
            // wait behind smaller ones. Each result depends only on its cluster, so the order changes nothing else.
            var storesPerCluster = new int[clusterCount];
            foreach (var node in context.Snapshot.Nodes)
            {
                if (node.IsStore && node.ClusterIndex >= 0)
                {
                    storesPerCluster[node.ClusterIndex]++;
                }
            }

            var largestFirst = Enumerable.Range(0, clusterCount).OrderByDescending(c => storesPerCluster[c]).ThenBy(c => c).ToArray();
            Parallel.ForEach(
                System.Collections.Concurrent.Partitioner.Create(largestFirst, System.Collections.Concurrent.EnumerablePartitionerOptions.NoBuffering),
                cluster => perCluster[cluster] = Stages.StoreTransfersWithin(afterPass1, cluster));
        }
        else
        {
            for (var cluster = 0; cluster < clusterCount; cluster++)
            {
                perCluster[cluster] = Stages.StoreTransfersWithin(afterPass1, cluster);
            }
        }

        progress?.Report(PlanStage.StoreTransfersWithin);
        var moves = new List<PlannedMove>(afterPass1.Moves);
        foreach (var state in perCluster)
        {
            moves.AddRange(state.Moves.Skip(afterPass1.Moves.Count));
        }

        var afterPass2 = Rebuild(Stages.StoreTransfersAcross(Rebuild(moves), parallel).Moves);
        progress?.Report(PlanStage.StoreTransfersAcross);
        var afterPass3 = Rebuild(Stages.Consolidate(afterPass2).Moves);
        progress?.Report(PlanStage.Consolidation);
        var plan = PlanAssembler.Assemble(afterPass3, inputWork is null ? PlanAssembler.InputWork.For(context) : inputWork.GetAwaiter().GetResult(), parallel, progress);
        progress?.Report(PlanStage.Assembly);
        return plan;
    }

    /// <summary>
    /// A fresh state holding the moves, applied in canonical order (pass, then sender,
    /// receiver and SKU by ordinal id), without the route credits or bans of the stage that planned them.
    /// </summary>
    private PlanState Rebuild(List<PlannedMove> moves)
    {
        // One integer key per move, (pass, sender, receiver, SKU) in bit fields as wide as the snapshot needs (at most
        // 2 + 31 + 31 + 31 bits), so the sort compares integers; keys are unique (a move row is unique per pass and
        // cells), so the order is total.
        var nodeBits = BitsFor(context.Snapshot.Nodes.Length);
        var skuBits = BitsFor(context.Snapshot.Products.Length);
        var keys = new UInt128[moves.Count];
        var order = new PlannedMove[moves.Count];
        var count = 0;
        foreach (var move in moves)
        {
            if (move.Quantity > 0)
            {
                var key = (UInt128)(uint)move.Pass;
                key = (key << nodeBits) | (uint)context.NodeRank[context.CellNode[move.FromCell]];
                key = (key << nodeBits) | (uint)context.NodeRank[context.CellNode[move.ToCell]];
                keys[count] = (key << skuBits) | (uint)context.SkuRank[context.CellSku[move.FromCell]];
                order[count++] = move;
            }
        }

        Array.Sort(keys, order, 0, count);
        var state = new PlanState(context);
        for (var i = 0; i < count; i++)
        {
            state.Apply(order[i].Pass, order[i].FromCell, order[i].ToCell, order[i].Quantity);
        }

        return state;
    }

    /// <summary>Bits that hold every value below <paramref name="count"/>.</summary>
    private static int BitsFor(int count) => Math.Max(1, 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)Math.Max(1, count - 1)));

    private int ClusterIndex(string cluster)
    {
        var index = context.Snapshot.Clusters.IndexOf(cluster, StringComparer.Ordinal);
        return index >= 0 ? index : throw new ArgumentException($"unknown cluster '{cluster}'", nameof(cluster));
    }

    /// <summary>
    /// Rebuilds the state from id-keyed moves (<see cref="Rebuild"/>), so the order stage results arrive in never matters.
    /// </summary>
    /// <remarks>Internal rather than private so the benchmarks can time the assembly's parts on a finished plan's state.</remarks>
    internal PlanState Replay(IReadOnlyList<StageMove> moves)
    {
        var snapshot = context.Snapshot;
        var planned = new List<PlannedMove>(moves.Count);
        foreach (var move in moves)
        {
            var sku = snapshot.SkuIndex[move.Sku];
            var from = context.CellOf(snapshot.NodeIndex[move.FromNode], sku);
            var to = context.CellOf(snapshot.NodeIndex[move.ToNode], sku);
            if (from < 0 || to < 0)
            {
                throw new ArgumentException($"move {move.FromNode}->{move.ToNode} {move.Sku} does not fit the snapshot", nameof(moves));
            }

            planned.Add(new PlannedMove(move.Pass, from, to) { Quantity = move.Quantity });
        }

        return Rebuild(planned);
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
