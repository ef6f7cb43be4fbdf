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
        ArgumentNullException.ThrowIfNull(sku);
        var snapshot = plan.Snapshot;
        if (!snapshot.SkuIndex.TryGetValue(sku, out var skuIndex))
        {
            return null;
        }

        var context = new PlanContext(snapshot, plan.Policy);
        var before = new PlanState(context);
        var after = new PlanState(context);
        foreach (var move in plan.Moves)
        {
            var moveSku = snapshot.SkuIndex[move.Sku];
            after.Apply(move.Pass, context.CellOf(snapshot.NodeIndex[move.FromNode], moveSku), context.CellOf(snapshot.NodeIndex[move.ToNode], moveSku), move.Quantity);
        }

        var blocked = plan.Blocked.Where(b => b.Sku == sku).ToDictionary(b => b.NodeId, StringComparer.Ordinal);
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
                blocked.GetValueOrDefault(node.Id)));
        }

        var product = snapshot.Products[skuIndex];
        var moves = plan.Moves.Where(m => m.Sku == sku && (nodeId is null || m.FromNode == nodeId || m.ToNode == nodeId)).ToList();
        return new SkuExplanation(sku, product.Style, product.Size, product.UnitPrice, [.. views.OrderBy(v => v.NodeId, StringComparer.Ordinal)], [.. moves]);
    }
}
