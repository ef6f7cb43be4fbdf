using Rebalancing.Engine.Model;
using Rebalancing.Engine.Planning;
using Rebalancing.Engine.Valuation;

namespace Rebalancing.Engine.Quality;

/// <summary>
/// An upper bound on the net benefit any plan can reach for a snapshot and policy — the quality certificate of a
/// plan (<c>optimality_ratio = net_benefit / upper_bound</c>).
/// </summary>
/// <remarks>
/// <para>Every plan obeys: a node sends at most its movable units; warehouses only send; receive/ship flags; eol
/// stock moves only from a warehouse. The bound keeps those and relaxes everything else: size-run rules, minimum
/// and maximum quantities, capacity, route caps, cool-downs, change caps and shipment costs.</para>
/// <para>The fragment factor only lowers demand, so the end state is valued at full demand — but only for a
/// (store, style) that some plan could make viable: one with a window of <c>min_viable_run</c> adjacent sizes each
/// present already or movable from somewhere to it. A style that no plan can make viable is valued with the
/// fragment factor, exactly as any plan leaves it (the tightening the issue asks for).</para>
/// <para>Freight is bounded below by the cheapest inbound per-unit cost of each receiver. Then each SKU is a pool:
/// units leave senders at their marginal value and enter receivers at theirs less that cost, both monotone (values
/// are concave in position), so matching the best receiver unit with the cheapest sender unit while it gains is
/// exactly optimal for the relaxation.</para>
/// </remarks>
internal static class UpperBound
{
    public static double Compute(PlanContext context)
    {
        var state = new PlanState(context);
        var canBeViable = new bool[context.BlockCount];
        for (var b = 0; b < context.BlockCount; b++)
        {
            canBeViable[b] = context.IsStore(context.BlockNode[b]) && CouldBeViable(state, b);
        }

        // The constant part: the start valued at the bound's demand, less the start valued as it is.
        var bound = 0.0;
        var boundMean = new double[context.CellCount];
        for (var c = 0; c < context.CellCount; c++)
        {
            var block = context.CellBlock[c];
            boundMean[c] = canBeViable[block] ? context.CellMeanViable[c] : context.CellMeanFragment[c];
        }

        for (var b = 0; b < context.BlockCount; b++)
        {
            var viable = state.IsViable(b);
            for (var c = context.BlockStart[b]; c < context.BlockStart[b + 1]; c++)
            {
                var x = context.CellPosition[c];
                bound += PositionValue.Of(x, context.CellPrice[c], context.CellMarkdown[c], boundMean[c]) - context.CellValue(c, x, viable);
            }
        }

        var inbound = InboundBySenderCost(context);
        var isSender = new bool[context.Snapshot.Nodes.Length];
        for (var sku = 0; sku < context.Snapshot.Products.Length; sku++)
        {
            bound += PoolGain(context, sku, boundMean, inbound, isSender);
        }

        return bound;
    }

    /// <summary>Whether some plan could make the block a viable run: every size of some window present or obtainable.</summary>
    private static bool CouldBeViable(PlanState state, int block)
    {
        var context = state.Context;
        var node = context.BlockNode[block];
        var receives = context.Snapshot.Nodes[node].ReceiveEnabled;
        int run = 0, longest = 0;
        for (var c = context.BlockStart[block]; c < context.BlockStart[block + 1]; c++)
        {
            var present = state.IsPresent(c) || (receives && Obtainable(context, node, context.CellSku[c]));
            run = present ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        return longest >= context.BlockRunNeeded[block];
    }

    private static bool Obtainable(PlanContext context, int node, int sku)
    {
        var eol = context.Snapshot.Products[sku].Lifecycle == Lifecycle.Eol;
        foreach (var other in context.CellsOfSku(sku))
        {
            var otherNode = context.CellNode[other];
            var info = context.Snapshot.Nodes[otherNode];
            if (otherNode != node && info.ShipEnabled && context.CellMovable[other] > 0 && (!eol || !info.IsStore))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The relaxation's best gain for one SKU: a greedy merge of sender losses and receiver gains.</summary>
    /// <summary>For each node, every other node that can ship, cheapest per-unit route to it first (ties by node).</summary>
    private static int[][] InboundBySenderCost(PlanContext context)
    {
        var nodes = context.Snapshot.Nodes;
        var inbound = new int[nodes.Length][];
        for (var to = 0; to < nodes.Length; to++)
        {
            var target = to;
            inbound[to] = [.. Enumerable.Range(0, nodes.Length)
                .Where(from => from != target && nodes[from].ShipEnabled)
                .OrderBy(from => context.Route(from, target).CostPerUnit)
                .ThenBy(from => from)];
        }

        return inbound;
    }

    private static double PoolGain(PlanContext context, int sku, double[] boundMean, int[][] inbound, bool[] isSender)
    {
        var cells = context.CellsOfSku(sku);
        var eol = context.Snapshot.Products[sku].Lifecycle == Lifecycle.Eol;
        var senders = new PriorityQueue<Unit, double>();
        var receivers = new PriorityQueue<Unit, double>();
        var anyWarehouse = false;
        foreach (var c in cells)
        {
            var info = context.Snapshot.Nodes[context.CellNode[c]];
            if (info.ShipEnabled && context.CellMovable[c] > 0 && (!eol || !info.IsStore))
            {
                var unit = new Unit(c, context.CellPosition[c], -1, context.CellMovable[c]);
                senders.Enqueue(unit, SenderLoss(context, unit, boundMean));
                anyWarehouse |= !info.IsStore;
                isSender[context.CellNode[c]] = true;
            }
        }

        if (senders.Count == 0)
        {
            return 0;
        }

        try
        {
            return MatchPool(context, cells, eol, anyWarehouse, senders, receivers, boundMean, inbound, isSender);
        }
        finally
        {
            foreach (var c in cells)
            {
                isSender[context.CellNode[c]] = false;
            }
        }
    }

    private static double MatchPool(
        PlanContext context,
        ReadOnlySpan<int> cells,
        bool eol,
        bool anyWarehouse,
        PriorityQueue<Unit, double> senders,
        PriorityQueue<Unit, double> receivers,
        double[] boundMean,
        int[][] inbound,
        bool[] isSender)
    {

        foreach (var c in cells)
        {
            var node = context.CellNode[c];
            var info = context.Snapshot.Nodes[node];
            if (!info.IsStore || !info.ReceiveEnabled || boundMean[c] <= 0 || (eol && !anyWarehouse))
            {
                continue;
            }

            // The receiver's cheapest inbound route from a node that holds movable units of the SKU.
            var cheapest = double.MaxValue;
            foreach (var from in inbound[node])
            {
                if (isSender[from])
                {
                    cheapest = context.Route(from, node).CostPerUnit;
                    break;
                }
            }

            if (cheapest < double.MaxValue)
            {
                var unit = new Unit(c, context.CellPosition[c], cheapest, int.MaxValue);
                receivers.Enqueue(unit, -ReceiverGain(context, unit, boundMean));
            }
        }

        var gain = 0.0;
        while (senders.TryDequeue(out var sender, out var loss) && receivers.TryDequeue(out var receiver, out var negativeGain))
        {
            var unitGain = -negativeGain - loss;
            if (unitGain <= 0)
            {
                break;
            }

            gain += unitGain;
            sender = sender with { Position = sender.Position - 1, Left = sender.Left - 1 };
            if (sender.Left > 0)
            {
                senders.Enqueue(sender, SenderLoss(context, sender, boundMean));
            }

            receiver = receiver with { Position = receiver.Position + 1 };
            receivers.Enqueue(receiver, -ReceiverGain(context, receiver, boundMean));
        }

        return gain;
    }

    private readonly record struct Unit(int Cell, int Position, double CostPerUnit, int Left);

    /// <summary>Value lost with the sender's next unit: its markdown value plus the full-price sale it might have made.</summary>
    private static double SenderLoss(PlanContext context, Unit unit, double[] boundMean) => UnitValue(context, unit.Cell, unit.Position, boundMean);

    /// <summary>Value gained with the receiver's next unit, less its cheapest inbound freight.</summary>
    private static double ReceiverGain(PlanContext context, Unit unit, double[] boundMean) => UnitValue(context, unit.Cell, unit.Position + 1, boundMean) - unit.CostPerUnit;

    /// <summary><c>V(k) - V(k - 1) = P (1 - m) + m P p(k)</c> for k &gt;= 1.</summary>
    private static double UnitValue(PlanContext context, int cell, int k, double[] boundMean)
    {
        var price = context.CellPrice[cell];
        var markdown = context.CellMarkdown[cell];
        return k <= 0 ? 0 : (price * (1 - markdown)) + (markdown * price * SellThrough.Tail(boundMean[cell], k));
    }
}
