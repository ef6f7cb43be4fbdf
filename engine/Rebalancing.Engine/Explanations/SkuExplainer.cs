using Rebalancing.Engine.Model;
using Rebalancing.Engine.Planning;
using Rebalancing.Engine.Plans;
using Rebalancing.Engine.Valuation;

namespace Rebalancing.Engine.Explanations;

/// <summary>Explains a plan for one SKU: positions, demand, sell-through, moves and the reason for every untouched row.</summary>
public static class SkuExplainer
{
    /// <summary>Explains a plan for a SKU, optionally at one node only.</summary>
    /// <param name="plan">A plan made from its snapshot and policy.</param>
    /// <param name="sku">The SKU.</param>
    /// <param name="nodeId">A node to restrict the view to, or <see langword="null"/>.</param>
    /// <returns>The explanation, or <see langword="null"/> when the snapshot has no such SKU.</returns>
    public static SkuExplanation? Explain(Plan plan, string sku, string? nodeId = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return Explain(plan.Snapshot, plan.Policy, plan.Moves, plan.Blocked, sku, nodeId);
    }

    /// <summary>
    /// Explains a plan given by its rows — for example read back from the folder <c>plan</c> wrote
    /// (<see cref="Output.PlanReader"/>) — for a SKU, optionally at one node only, without planning again.
    /// </summary>
    /// <param name="snapshot">The snapshot the plan was made from.</param>
    /// <param name="policy">The policy it was made with.</param>
    /// <param name="moves">The plan's moves: every move of the SKU's style is needed (others are ignored).</param>
    /// <param name="blocked">The plan's untouched rows: those of the SKU are needed (others are ignored).</param>
    /// <param name="sku">The SKU.</param>
    /// <param name="nodeId">A node to restrict the view to, or <see langword="null"/>.</param>
    /// <returns>The explanation, or <see langword="null"/> when the snapshot has no such SKU.</returns>
    public static SkuExplanation? Explain(Snapshot snapshot, Policies.Policy policy, IEnumerable<PlanMove> moves, IEnumerable<BlockedRow> blocked, string sku, string? nodeId = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(moves);
        ArgumentNullException.ThrowIfNull(blocked);
        ArgumentNullException.ThrowIfNull(sku);

        // An unknown SKU is answered before the context is built.
        return snapshot.SkuIndex.ContainsKey(sku) ? Explain(ContextFor(snapshot, policy), moves, blocked, sku, nodeId) : null;
    }

    /// <summary>
    /// The planning context of a snapshot and policy, which every explanation of their plan reads: built on its own
    /// so a caller can build it while it reads the plan's rows.
    /// </summary>
    /// <param name="snapshot">The snapshot the plan was made from.</param>
    /// <param name="policy">The policy it was made with.</param>
    /// <returns>The context, for <see cref="Explain(ExplanationContext, IEnumerable{PlanMove}, IEnumerable{BlockedRow}, string, string?)"/>.</returns>
    public static ExplanationContext ContextFor(Snapshot snapshot, Policies.Policy policy)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(policy);
        return new ExplanationContext(new PlanContext(snapshot, policy));
    }

    /// <summary>Explains a plan given by its rows, as the overload with a snapshot and policy does, in a context built before.</summary>
    /// <param name="explanationContext">The context of the snapshot and policy the plan was made from (<see cref="ContextFor"/>).</param>
    /// <param name="moves">The plan's moves: every move of the SKU's style is needed (others are ignored).</param>
    /// <param name="blocked">The plan's untouched rows: those of the SKU are needed (others are ignored).</param>
    /// <param name="sku">The SKU.</param>
    /// <param name="nodeId">A node to restrict the view to, or <see langword="null"/>.</param>
    /// <returns>The explanation, or <see langword="null"/> when the snapshot has no such SKU.</returns>
    public static SkuExplanation? Explain(ExplanationContext explanationContext, IEnumerable<PlanMove> moves, IEnumerable<BlockedRow> blocked, string sku, string? nodeId = null)
    {
        ArgumentNullException.ThrowIfNull(explanationContext);
        ArgumentNullException.ThrowIfNull(moves);
        ArgumentNullException.ThrowIfNull(blocked);
        ArgumentNullException.ThrowIfNull(sku);
        var context = explanationContext.Context;
        var snapshot = context.Snapshot;
        if (!snapshot.SkuIndex.TryGetValue(sku, out var skuIndex))
        {
            return null;
        }

        var style = snapshot.Products[skuIndex].Style;
        var styleMoves = moves.Where(m => m.Style == style).ToList();
        var before = new PlanState(context);
        var after = new PlanState(context);
        foreach (var move in styleMoves)
        {
            var moveSku = snapshot.SkuIndex[move.Sku];
            after.Apply(move.Pass, context.CellOf(snapshot.NodeIndex[move.FromNode], moveSku), context.CellOf(snapshot.NodeIndex[move.ToNode], moveSku), move.Quantity);
        }

        var blockedRows = blocked.Where(b => b.Sku == sku).ToDictionary(b => b.NodeId, StringComparer.Ordinal);
        var views = new List<NodeView>();
        foreach (var cell in context.CellsOfSku(skuIndex))
        {
            var node = snapshot.Nodes[context.CellNode[cell]];
            if (nodeId is not null && node.Id != nodeId)
            {
                continue;
            }

            var block = context.CellBlock[cell];
            var viableBefore = before.IsViable(block);
            var viableAfter = after.IsViable(block);
            var meanBefore = viableBefore ? context.CellMeanViable[cell] : context.CellMeanFragment[cell];
            var meanAfter = viableAfter ? context.CellMeanViable[cell] : context.CellMeanFragment[cell];
            var x0 = before.Position(cell);
            var x1 = after.Position(cell);
            views.Add(new NodeView(
                node.Id,
                node.Cluster ?? string.Empty,
                node.Type == NodeType.Store,
                context.CellRow[cell] >= 0,
                x0,
                x1,
                context.CellMovable[cell],
                context.CellRate[cell],
                viableBefore,
                viableAfter,
                meanBefore,
                meanAfter,
                x0 > 0 ? SellThrough.Tail(meanBefore, x0) : 0,
                SellThrough.Tail(meanAfter, Math.Max(0, x1) + 1),
                context.CellValue(cell, x0, viableBefore),
                context.CellValue(cell, x1, viableAfter),
                blockedRows.GetValueOrDefault(node.Id)));
        }

        var product = snapshot.Products[skuIndex];
        var skuMoves = styleMoves.Where(m => m.Sku == sku && (nodeId is null || m.FromNode == nodeId || m.ToNode == nodeId)).OrderBy(m => m.MoveId, StringComparer.Ordinal);
        return new SkuExplanation(sku, product.Style, product.Size, product.UnitPrice, [.. views.OrderBy(v => v.NodeId, StringComparer.Ordinal)], [.. skuMoves]);
    }
}
