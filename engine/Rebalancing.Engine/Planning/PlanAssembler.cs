using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Rebalancing.Engine.Plans;
using Rebalancing.Engine.Reasons;
using Rebalancing.Engine.Valuation;

namespace Rebalancing.Engine.Planning;

/// <summary>
/// Turns a final state into a <see cref="Plan"/>: values the end state once (so moves that touch the same style
/// never count twice), attributes gain and freight to moves, rounds to cents so the moves add up to the totals
/// exactly, and gives every untouched inventory row its reason.
/// </summary>
internal static class PlanAssembler
{
    public static Plan Assemble(PlanState state)
    {
        var context = state.Context;
        var initial = new PlanState(context);
        var moves = state.Moves.Where(m => m.Quantity > 0).ToList();

        // Value gain per style, over the blocks the plan touched.
        var touchedBlocks = moves.SelectMany(m => new[] { context.CellBlock[m.FromCell], context.CellBlock[m.ToCell] }).Distinct().Order().ToList();
        var styleGain = new Dictionary<int, double>();
        var valueGain = 0.0;
        foreach (var block in touchedBlocks)
        {
            var gain = state.BlockValue(block) - initial.BlockValue(block);
            valueGain += gain;
            var style = context.BlockStyle[block];
            styleGain[style] = styleGain.GetValueOrDefault(style) + gain;
        }

        var styleUnits = moves.GroupBy(m => Style(context, m)).ToDictionary(g => g.Key, g => g.Sum(m => (double)m.Quantity));
        var routeUnits = moves.GroupBy(m => Route(context, m)).ToDictionary(g => g.Key, g => g.Sum(m => (double)m.Quantity));
        var freight = state.Freight();

        // Sort by id first so that rounding remainders go to the same moves whatever order the passes produced.
        var rows = moves.Select(m => (Move: m, Id: MoveId(context, m))).OrderBy(x => x.Id, StringComparer.Ordinal).ToList();
        var gp = new double[rows.Count];
        var fr = new double[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            var m = rows[i].Move;
            var style = Style(context, m);
            gp[i] = styleGain.GetValueOrDefault(style) * m.Quantity / styleUnits[style];
            var route = Route(context, m);
            var price = state.Routes[route].Price;
            fr[i] = (m.Quantity * price.CostPerUnit) + (price.CostPerShipment * m.Quantity / routeUnits[route]);
        }

        var gpCents = Cents.Distribute(gp, valueGain);
        var freightCents = Cents.Distribute(fr, freight);
        var planMoves = ImmutableArray.CreateBuilder<PlanMove>(rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            planMoves.Add(ToPlanMove(state, initial, rows[i].Move, rows[i].Id, gpCents[i], freightCents[i]));
        }

        var blocked = ReasonClassifier.Classify(state);
        return new Plan(
            context.Snapshot,
            context.Policy,
            planMoves.MoveToImmutable(),
            blocked,
            gpCents.Sum(),
            freightCents.Sum(),
            Kpis(initial),
            Kpis(state),
            Quality.UpperBound.Compute(context));
    }

    private static int Style(PlanContext context, PlannedMove m) => context.Snapshot.Products[context.CellSku[m.ToCell]].StyleIndex;

    private static (int, int) Route(PlanContext context, PlannedMove m) => (context.CellNode[m.FromCell], context.CellNode[m.ToCell]);

    /// <summary>A stable id: the pass, then 12 hex digits of SHA-256 over (from, to, SKU); never a counter.</summary>
    private static string MoveId(PlanContext context, PlannedMove m)
    {
        var snapshot = context.Snapshot;
        var key = $"{snapshot.Nodes[context.CellNode[m.FromCell]].Id}\u001f{snapshot.Nodes[context.CellNode[m.ToCell]].Id}\u001f{snapshot.Products[context.CellSku[m.FromCell]].Sku}";
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        return $"M{m.Pass}-{Convert.ToHexStringLower(hash, 0, 6)}";
    }

    private static PlanMove ToPlanMove(PlanState state, PlanState initial, PlannedMove m, string id, long gpCents, long freightCents)
    {
        var context = state.Context;
        var snapshot = context.Snapshot;
        var from = snapshot.Nodes[context.CellNode[m.FromCell]];
        var to = snapshot.Nodes[context.CellNode[m.ToCell]];
        var product = snapshot.Products[context.CellSku[m.FromCell]];
        var receiverBlock = context.CellBlock[m.ToCell];
        MoveReason reason;
        if (m.Pass == 3)
        {
            reason = MoveReason.ConsolidateRegional;
        }
        else if (!initial.IsViable(receiverBlock) && state.IsViable(receiverBlock))
        {
            reason = MoveReason.CompleteSizeRun;
        }
        else if (context.CellRate[m.ToCell] > 0 && context.CellPosition[m.ToCell] <= 0)
        {
            reason = MoveReason.FillStockout;
        }
        else
        {
            reason = m.Pass == 1 ? MoveReason.PushToDemand : MoveReason.TransferToDemand;
        }

        var senderPolicy = context.PolicyOf(m.FromCell);
        var senderRow = context.CellRow[m.FromCell];
        var senderOnHand = senderRow >= 0 ? snapshot.Inventory.OnHand[senderRow] : 0;
        var elevated = m.Quantity * product.UnitCost >= senderPolicy.ElevatedValue
            || (senderOnHand > 0 && m.Quantity >= senderPolicy.ElevatedShareOfSource * senderOnHand);
        return new PlanMove(
            id,
            m.Pass,
            from.Id,
            to.Id,
            product.Sku,
            product.Style,
            product.Size,
            m.Quantity,
            from.Cluster ?? string.Empty,
            to.Cluster ?? string.Empty,
            gpCents,
            freightCents,
            reason,
            elevated ? ApprovalLevel.Elevated : ApprovalLevel.Standard);
    }

    private static PlanKpis Kpis(PlanState state)
    {
        var context = state.Context;
        int fragments = 0, viable = 0, stockouts = 0;
        var atRisk = 0.0;
        for (var b = 0; b < context.BlockCount; b++)
        {
            if (!context.IsStore(context.BlockNode[b]))
            {
                continue;
            }

            var isViable = state.IsViable(b);
            if (isViable)
            {
                viable++;
            }
            else if (state.HoldsAny(b))
            {
                fragments++;
            }

            for (var c = context.BlockStart[b]; c < context.BlockStart[b + 1]; c++)
            {
                var position = state.Position(c);
                if (context.CellRow[c] >= 0 && context.CellRate[c] > 0 && position <= 0)
                {
                    stockouts++;
                }

                if (position > 0)
                {
                    var mu = isViable ? context.CellMeanViable[c] : context.CellMeanFragment[c];
                    atRisk += position - SellThrough.ExpectedSales(mu, position);
                }
            }
        }

        return new PlanKpis(fragments, viable, stockouts, Math.Round(atRisk, 2, MidpointRounding.AwayFromZero));
    }
}
