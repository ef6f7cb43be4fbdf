using System.Collections.Immutable;
using System.Globalization;
using Rebalancing.Engine.Model;
using Rebalancing.Engine.Plans;
using Rebalancing.Engine.Reasons;
using Rebalancing.Engine.Valuation;

namespace Rebalancing.Engine.Planning;

/// <summary>
/// Gives every inventory row that no move touches exactly one reason: the row's best hypothetical move (as a sender
/// to the receiver that would gain most, or as a receiver from the best supplier) is walked through the rules in
/// <see cref="ReasonCatalogue"/> order, and the first rule that stops it is the reason, with its numbers.
/// </summary>
internal static class ReasonClassifier
{
    public static ImmutableArray<BlockedRow> Classify(PlanState state)
    {
        var context = state.Context;
        var snapshot = context.Snapshot;
        var rows = ImmutableArray.CreateBuilder<BlockedRow>();
        var marginals = new Marginals(state);
        for (var c = 0; c < context.CellCount; c++)
        {
            if (context.CellRow[c] < 0 || state.Role[c] != CellRole.None)
            {
                continue;
            }

            var (pass, code, detail) = Why(state, marginals, c);
            rows.Add(new BlockedRow(snapshot.Nodes[context.CellNode[c]].Id, snapshot.Products[context.CellSku[c]].Sku, pass, code, detail));
        }

        // Cells are ordered by (node, style, size); the file is ordered by (node, SKU).
        return [.. rows.OrderBy(r => r.NodeId, StringComparer.Ordinal).ThenBy(r => r.Sku, StringComparer.Ordinal)];
    }

    private static (int Pass, ReasonCode Code, string Detail) Why(PlanState state, Marginals marginals, int cell)
    {
        var context = state.Context;
        var snapshot = context.Snapshot;
        var nodeIndex = context.CellNode[cell];
        var node = snapshot.Nodes[nodeIndex];
        var sku = context.CellSku[cell];
        var product = snapshot.Products[sku];
        var rate = context.CellRate[cell];
        var available = state.Available(cell);
        var canSend = available > 0;
        var canReceive = node.IsStore && rate > 0;
        var defaultPass = node.IsStore ? 2 : 1;

        if (!canSend && !canReceive)
        {
            if (node.IsStore && rate <= 0)
            {
                return state.Position(cell) > 0 && !StyleHasDemand(context, context.CellBlock[cell])
                    ? (2, ReasonCode.NoDemand, "no demand for the SKU or its style at this store")
                    : state.Position(cell) > 0
                        ? (2, ReasonCode.NoSurplus, Invariant($"position {state.Position(cell)}, movable {available} (reserved or protected)"))
                        : (2, ReasonCode.NoDemand, "no demand and no stock");
            }

            return (defaultPass, ReasonCode.NoSurplus, Invariant($"on hand {OnHand(context, cell)}, movable {available} after reserved and protected units"));
        }

        var asSender = canSend ? BestCounterpart(state, marginals, cell, sending: true) : null;
        var asReceiver = canReceive ? BestCounterpart(state, marginals, cell, sending: false) : null;
        Counterpart? candidate = (asSender, asReceiver) switch
        {
            (null, null) => null,
            ({ } s, null) => s,
            (null, { } r) => r,
            ({ } s, { } r) => s.NetPerUnit >= r.NetPerUnit ? s : r,
        };

        if (candidate is null)
        {
            return canSend
                ? (defaultPass, ReasonCode.NoDemand, "no other node has demand for the SKU")
                : (defaultPass, ReasonCode.NoSurplus, "no node has movable units of the SKU to send here");
        }

        var c = candidate.Value;
        var senderCell = c.Sending ? cell : c.Other;
        var receiverCell = c.Sending ? c.Other : cell;
        var sender = snapshot.Nodes[context.CellNode[senderCell]];
        var receiver = snapshot.Nodes[context.CellNode[receiverCell]];
        var storeToStore = sender.IsStore;
        var pass = storeToStore ? 2 : 1;
        var senderPolicy = context.PolicyOf(senderCell);
        var receiverPolicy = context.PolicyOf(receiverCell);
        var minQuantity = storeToStore
            ? Math.Max(senderPolicy.MinTransferUnits, receiverPolicy.MinTransferUnits)
            : Math.Max(senderPolicy.MinPushUnits, receiverPolicy.MinPushUnits);
        minQuantity = Math.Max(1, minQuantity);

        if ((c.Sending && !node.ShipEnabled) || (!c.Sending && !node.ReceiveEnabled))
        {
            return (pass, ReasonCode.NodeDisabled, c.Sending ? "ship_enabled is false" : "receive_enabled is false");
        }

        if (storeToStore && product.Lifecycle == Lifecycle.Eol)
        {
            return (2, ReasonCode.LifecycleBlocked, "eol stock moves only from a warehouse");
        }

        if ((c.Sending && context.ReceivedRecently.Contains((nodeIndex, sku))) || (!c.Sending && context.SentRecently.Contains((nodeIndex, sku))))
        {
            return (pass, ReasonCode.CooldownActive, Invariant($"a recent move within cooldown_days {context.PolicyOf(cell).CooldownDays}"));
        }

        if (state.ChangeCapLeft[sku] < minQuantity)
        {
            return (pass, ReasonCode.ChangeCapReached, Invariant($"{Math.Max(0, state.ChangeCapLeft[sku])} units left under change_cap_units_per_sku, minimum move {minQuantity}"));
        }

        if (node.IsStore && state.Position(cell) > 0 && state.HoldsAny(context.CellBlock[cell]) && !state.IsViable(context.CellBlock[cell]) && context.PolicyOf(cell).Pass3Enabled)
        {
            return (3, ReasonCode.FragmentLeftInPlace, Invariant($"{product.Style} is a fragment at {node.Id}; pass 3 found no consolidation that pays its freight"));
        }

        var freeCapacity = state.FreeCapacity(context.CellNode[receiverCell]);
        if (freeCapacity < minQuantity)
        {
            return (pass, ReasonCode.CapacityFull, Invariant($"receiver {receiver.Id} has room for {Math.Max(0, freeCapacity)}, minimum move {minQuantity}"));
        }

        var from = context.CellNode[senderCell];
        var to = context.CellNode[receiverCell];
        if (state.RouteRoomLeft(from, to) < minQuantity)
        {
            return (pass, ReasonCode.RouteCapReached, Invariant($"route {sender.Id}->{receiver.Id} has {Math.Max(0, state.RouteRoomLeft(from, to))} units left"));
        }

        var receiverBlock = context.CellBlock[receiverCell];
        if (!state.IsViable(receiverBlock) && !BecomesViable(state, receiverCell, minQuantity))
        {
            return (pass, ReasonCode.SizeRunNotViableAtDestination, Invariant($"{product.Style} is not a viable run at {receiver.Id}"));
        }

        if (sender.IsStore && BreaksSource(state, senderCell, Math.Min(minQuantity, state.Available(senderCell))))
        {
            return (2, ReasonCode.BreaksSourceSizeRun, Invariant($"{product.Style} would stop being a viable run at {sender.Id}"));
        }

        var maxQuantity = storeToStore
            ? Math.Min(senderPolicy.MaxTransferUnits, receiverPolicy.MaxTransferUnits)
            : Math.Min(senderPolicy.MaxPushUnits, receiverPolicy.MaxPushUnits);
        var (units, gain) = ProfitableUnits(state, senderCell, receiverCell, c.CostPerUnit, Math.Max(minQuantity, maxQuantity));
        if (units < minQuantity && gain > 0)
        {
            return (pass, ReasonCode.BelowMinQuantity, Invariant($"{units} units would gain, minimum move {minQuantity}"));
        }

        var quantity = Math.Max(minQuantity, units);
        var uplift = Uplift(state, senderCell, receiverCell, quantity);
        var shipment = state.Routes.TryGetValue((from, to), out var use) && use.Units > 0 ? 0 : c.Shipment;
        var freight = (quantity * c.CostPerUnit) + shipment;
        if (uplift <= freight)
        {
            return (pass, ReasonCode.FreightExceedsUplift, Invariant($"gain {uplift:0.00} <= freight {freight:0.00} for {quantity} units"));
        }

        if (storeToStore && sender.ClusterIndex != receiver.ClusterIndex)
        {
            var ratio = Math.Max(senderPolicy.InterClusterMinUpliftRatio, receiverPolicy.InterClusterMinUpliftRatio);
            if (uplift < ratio * freight)
            {
                return (2, ReasonCode.InterClusterUpliftTooLow, Invariant($"gain {uplift:0.00} < {ratio} x freight {freight:0.00}"));
            }
        }

        return (pass, ReasonCode.Balanced, Invariant($"best move {sender.Id}->{receiver.Id}: gain {uplift:0.00}, freight {freight:0.00}, but the plan's rules and better uses left nothing to move"));
    }

    private readonly record struct Counterpart(bool Sending, int Other, double NetPerUnit, double CostPerUnit, double Shipment);

    /// <summary>The counterpart with the best net marginal gain per unit for one unit moved.</summary>
    private static Counterpart? BestCounterpart(PlanState state, Marginals marginals, int cell, bool sending)
    {
        var context = state.Context;
        var node = context.CellNode[cell];
        Counterpart? best = null;
        foreach (var other in context.CellsOfSku(context.CellSku[cell]))
        {
            var otherNode = context.CellNode[other];
            if (otherNode == node)
            {
                continue;
            }

            var otherInfo = context.Snapshot.Nodes[otherNode];
            int senderCell, receiverCell;
            if (sending)
            {
                if (!otherInfo.IsStore || context.CellRate[other] <= 0 || state.Role[other] == CellRole.Sender)
                {
                    continue;
                }

                (senderCell, receiverCell) = (cell, other);
            }
            else
            {
                if (state.Available(other) <= 0)
                {
                    continue;
                }

                (senderCell, receiverCell) = (other, cell);
            }

            var price = context.Route(context.CellNode[senderCell], context.CellNode[receiverCell]);
            var net = marginals.ReceiveGain[receiverCell] - marginals.SendLoss[senderCell] - price.CostPerUnit;
            if (best is null || net > best.Value.NetPerUnit)
            {
                best = new Counterpart(sending, other, net, price.CostPerUnit, price.CostPerShipment);
            }
        }

        return best;
    }

    /// <summary>
    /// The final state's full-price value of each cell's next unit received and last unit sent, computed once: every
    /// untouched row compares itself with every other cell of its SKU.
    /// </summary>
    private sealed class Marginals
    {
        public Marginals(PlanState state)
        {
            var context = state.Context;
            var viable = new bool[context.BlockCount];
            for (var b = 0; b < context.BlockCount; b++)
            {
                viable[b] = state.IsViable(b);
            }

            ReceiveGain = new double[context.CellCount];
            SendLoss = new double[context.CellCount];
            for (var c = 0; c < context.CellCount; c++)
            {
                var mu = viable[context.CellBlock[c]] ? context.CellMeanViable[c] : context.CellMeanFragment[c];
                var scale = context.CellMarkdown[c] * context.CellPrice[c];
                var position = state.Position(c);
                ReceiveGain[c] = scale * SellThrough.Tail(mu, position + 1);
                SendLoss[c] = scale * SellThrough.Tail(mu, position);
            }
        }

        public double[] ReceiveGain { get; }

        public double[] SendLoss { get; }
    }

    private static double Mean(PlanState state, int cell)
    {
        var context = state.Context;
        return state.IsViable(context.CellBlock[cell]) ? context.CellMeanViable[cell] : context.CellMeanFragment[cell];
    }

    /// <summary>How many units in a row gain more than their per-unit freight, and what they gain.</summary>
    /// <remarks>
    /// The runs are taken as they stand after the first unit moves (a later unit changes presence only if it empties
    /// the sender); the tails of both ends are then walked once.
    /// </remarks>
    private static (int Units, double Gain) ProfitableUnits(PlanState state, int senderCell, int receiverCell, double costPerUnit, int maxQuantity)
    {
        // One row moves at most the largest quantity the rules allow; counting further units decides nothing.
        var limit = Math.Min(state.Available(senderCell), maxQuantity);
        if (limit <= 0)
        {
            return (0, 0);
        }

        var context = state.Context;
        state.Delta[senderCell] -= 1;
        state.Delta[receiverCell] += 1;
        var receiverMu = Mean(state, receiverCell);
        var senderMu = Mean(state, senderCell);
        state.Delta[senderCell] += 1;
        state.Delta[receiverCell] -= 1;

        Span<double> receiverTails = limit <= 256 ? stackalloc double[limit] : new double[limit];
        Span<double> senderTails = limit <= 256 ? stackalloc double[limit] : new double[limit];
        SellThrough.Tails(receiverMu, state.Position(receiverCell) + 1, receiverTails);
        SellThrough.Tails(senderMu, state.Position(senderCell) - limit + 1, senderTails);
        var receiverScale = context.CellMarkdown[receiverCell] * context.CellPrice[receiverCell];
        var senderScale = context.CellMarkdown[senderCell] * context.CellPrice[senderCell];
        var units = 0;
        var gain = 0.0;
        while (units < limit)
        {
            var marginal = (receiverScale * receiverTails[units]) - (senderScale * senderTails[limit - 1 - units]) - costPerUnit;
            if (marginal <= 0)
            {
                break;
            }

            gain += marginal;
            units++;
        }

        return (units, gain);
    }

    /// <summary>Exact value change of the two blocks when the units move.</summary>
    private static double Uplift(PlanState state, int senderCell, int receiverCell, int quantity)
    {
        var context = state.Context;
        var blocks = new[] { context.CellBlock[senderCell], context.CellBlock[receiverCell] }.Distinct().ToArray();
        var before = blocks.Sum(state.BlockValue);
        state.Delta[senderCell] -= quantity;
        state.Delta[receiverCell] += quantity;
        var after = blocks.Sum(state.BlockValue);
        state.Delta[senderCell] += quantity;
        state.Delta[receiverCell] -= quantity;
        return after - before;
    }

    /// <summary>
    /// Whether the receiver's style could be a viable run if it received this SKU and, for every other absent size,
    /// units a warehouse could still send with it (a pass-1 bundle). Store-to-store transfers move one SKU at a time.
    /// </summary>
    private static bool BecomesViable(PlanState state, int receiverCell, int quantity)
    {
        var context = state.Context;
        var block = context.CellBlock[receiverCell];
        var node = context.CellNode[receiverCell];
        int run = 0, longest = 0;
        for (var c = context.BlockStart[block]; c < context.BlockStart[block + 1]; c++)
        {
            var present = state.IsPresent(c) || (c == receiverCell && quantity > 0) || Obtainable(state, node, context.CellSku[c]);
            run = present ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        return longest >= context.BlockRunNeeded[block];
    }

    private static bool Obtainable(PlanState state, int receiverNode, int sku)
    {
        foreach (var other in state.Context.CellsOfSku(sku))
        {
            var otherNode = state.Context.CellNode[other];
            if (otherNode != receiverNode && !state.Context.IsStore(otherNode) && state.Available(other) > 0)
            {
                return true;
            }
        }

        return false;
    }

    private static bool BreaksSource(PlanState state, int senderCell, int quantity)
    {
        var block = state.Context.CellBlock[senderCell];
        if (!state.IsViable(block))
        {
            return false;
        }

        state.Delta[senderCell] -= quantity;
        var breaks = !state.IsViable(block) && state.HoldsAny(block);
        state.Delta[senderCell] += quantity;
        return breaks;
    }

    private static bool StyleHasDemand(PlanContext context, int block)
    {
        for (var c = context.BlockStart[block]; c < context.BlockStart[block + 1]; c++)
        {
            if (context.CellRate[c] > 0)
            {
                return true;
            }
        }

        return false;
    }

    private static int OnHand(PlanContext context, int cell) =>
        context.CellRow[cell] >= 0 ? context.Snapshot.Inventory.OnHand[context.CellRow[cell]] : 0;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
