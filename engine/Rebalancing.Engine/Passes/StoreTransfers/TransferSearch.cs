using Rebalancing.Engine.Model;
using Rebalancing.Engine.Planning;
using Rebalancing.Engine.Valuation;

namespace Rebalancing.Engine.Passes.StoreTransfers;

/// <summary>
/// Store-to-store transfers over a set of stores (one cluster, or all stores for the cross-cluster step): every
/// (sender, receiver) pair of a SKU is priced exactly — the value change of both blocks at the end state, less
/// per-unit freight — for every allowed quantity, and the best transfers are taken greedily, best gain per unit
/// first. Ranking charges an unopened route its shipment cost, so transfers bundle onto routes already in use.
/// </summary>
internal sealed class TransferSearch
{
    private readonly PlanState state;
    private readonly PlanContext context;
    private readonly int pass;
    private readonly Func<int, bool> nodeInScope;
    private readonly Func<int, int, bool> pairInScope;
    private readonly Func<int, int, double> requiredRatio;
    private readonly int[] changeCapBudget;
    private readonly PriorityQueue<(int Sender, int Receiver), (double Key, int Sender, int Receiver)> queue = new();

    public TransferSearch(PlanState state, int pass, Func<int, bool> nodeInScope, Func<int, int, bool> pairInScope, Func<int, int, double> requiredRatio, int[] changeCapBudget)
    {
        this.state = state;
        context = state.Context;
        this.pass = pass;
        this.nodeInScope = nodeInScope;
        this.pairInScope = pairInScope;
        this.requiredRatio = requiredRatio;
        this.changeCapBudget = changeCapBudget;
    }

    public void Run()
    {
        var skuCount = context.Snapshot.Products.Length;
        for (var sku = 0; sku < skuCount; sku++)
        {
            EnqueueSku(sku);
        }

        while (queue.TryDequeue(out var pair, out var priority))
        {
            var candidate = Evaluate(pair.Sender, pair.Receiver);
            if (candidate.Quantity == 0)
            {
                continue;
            }

            if (candidate.Key > priority.Key + (1e-9 * Math.Max(1, Math.Abs(candidate.Key))))
            {
                queue.Enqueue(pair, (candidate.Key, pair.Sender, pair.Receiver));
                continue;
            }

            state.Apply(pass, pair.Sender, pair.Receiver, candidate.Quantity);
            if (changeCapBudget[context.CellSku[pair.Sender]] != int.MaxValue)
            {
                changeCapBudget[context.CellSku[pair.Sender]] -= candidate.Quantity;
            }

            // The two blocks changed: sizes of the same styles may now be worth moving (a run completed or opened).
            EnqueueBlock(context.CellBlock[pair.Sender]);
            EnqueueBlock(context.CellBlock[pair.Receiver]);
        }
    }

    private void EnqueueBlock(int block)
    {
        for (var c = context.BlockStart[block]; c < context.BlockStart[block + 1]; c++)
        {
            EnqueueSku(context.CellSku[c]);
        }
    }

    private void EnqueueSku(int sku)
    {
        var cells = context.CellsOfSku(sku);
        foreach (var sender in cells)
        {
            if (!CanSend(sender))
            {
                continue;
            }

            foreach (var receiver in cells)
            {
                if (receiver == sender || !CanReceive(receiver) || !pairInScope(context.CellNode[sender], context.CellNode[receiver]))
                {
                    continue;
                }

                if (UnitGainUpperBound(sender, receiver) <= 0)
                {
                    continue;
                }

                var candidate = Evaluate(sender, receiver);
                if (candidate.Quantity > 0)
                {
                    queue.Enqueue((sender, receiver), (candidate.Key, sender, receiver));
                }
            }
        }
    }

    private bool CanSend(int cell)
    {
        var node = context.CellNode[cell];
        var info = context.Snapshot.Nodes[node];
        return info.IsStore
            && nodeInScope(node)
            && info.ShipEnabled
            && state.Available(cell) > 0
            && context.Snapshot.Products[context.CellSku[cell]].Lifecycle != Lifecycle.Eol
            && !context.ReceivedRecently.Contains((node, context.CellSku[cell]));
    }

    private bool CanReceive(int cell)
    {
        var node = context.CellNode[cell];
        var info = context.Snapshot.Nodes[node];
        return info.IsStore
            && nodeInScope(node)
            && info.ReceiveEnabled
            && state.Role[cell] != CellRole.Sender
            && !context.SentRecently.Contains((node, context.CellSku[cell]));
    }

    /// <summary>
    /// A cheap test before the exact evaluation: what one unit could gain if it also made the receiver's style
    /// viable. Pairs that cannot gain even so are never evaluated.
    /// </summary>
    private double UnitGainUpperBound(int sender, int receiver)
    {
        var receiverBlock = context.CellBlock[receiver];
        var receiverBlockHasDemand = false;
        for (var c = context.BlockStart[receiverBlock]; c < context.BlockStart[receiverBlock + 1]; c++)
        {
            if (context.CellRate[c] > 0)
            {
                receiverBlockHasDemand = true;
                break;
            }
        }

        if (!receiverBlockHasDemand)
        {
            return 0;
        }

        var senderMu = state.IsViable(context.CellBlock[sender]) ? context.CellMeanViable[sender] : context.CellMeanFragment[sender];
        var receiverGain = context.CellMarkdown[receiver] * context.CellPrice[receiver] * SellThrough.Tail(context.CellMeanViable[receiver], state.Position(receiver) + 1);
        var senderLoss = context.CellMarkdown[sender] * context.CellPrice[sender] * SellThrough.Tail(senderMu, state.Position(sender));
        var completesRun = !state.IsPresent(receiver) && !state.IsViable(receiverBlock);
        return completesRun ? double.MaxValue : receiverGain - senderLoss - context.Route(context.CellNode[sender], context.CellNode[receiver]).CostPerUnit;
    }

    private readonly record struct Candidate(int Quantity, double Gain, double Key);

    /// <summary>The best quantity for a pair under every rule, its exact gain, and its ranking key.</summary>
    private Candidate Evaluate(int sender, int receiver)
    {
        if (state.FindMove(pass, sender, receiver) is not null || !CanSend(sender) || !CanReceive(receiver))
        {
            return default;
        }

        var from = context.CellNode[sender];
        var to = context.CellNode[receiver];
        if (state.BannedRoutes.Contains((from, to)))
        {
            return default;
        }

        var senderPolicy = context.PolicyOf(sender);
        var receiverPolicy = context.PolicyOf(receiver);
        var min = Math.Max(1, Math.Max(senderPolicy.MinTransferUnits, receiverPolicy.MinTransferUnits));
        var sku = context.CellSku[sender];
        var max = Math.Min(senderPolicy.MaxTransferUnits, receiverPolicy.MaxTransferUnits);
        max = Math.Min(max, state.Available(sender));
        max = (int)Math.Min(max, state.FreeCapacity(to));
        max = Math.Min(max, state.RouteRoomLeft(from, to));
        max = Math.Min(max, Math.Min(state.ChangeCapLeft[sku], changeCapBudget[sku]));
        if (max < min)
        {
            return default;
        }

        var price = context.Route(from, to);
        var routeOpen = state.Routes.TryGetValue((from, to), out var use) && use.Units > 0;
        var shipment = routeOpen ? 0.0 : price.CostPerShipment;
        var ratio = requiredRatio(from, to);
        var senderBlock = context.CellBlock[sender];
        var receiverBlock = context.CellBlock[receiver];
        var senderWasViable = state.IsViable(senderBlock);
        var before = state.BlockValue(senderBlock) + state.BlockValue(receiverBlock);

        Candidate best = default;
        for (var q = min; q <= max; q++)
        {
            state.Delta[sender] -= q;
            state.Delta[receiver] += q;
            var receiverViable = state.IsViable(receiverBlock);
            var senderOk = !senderWasViable || state.IsViable(senderBlock) || !state.HoldsAny(senderBlock);
            var after = receiverViable && senderOk ? state.BlockValue(senderBlock) + state.BlockValue(receiverBlock) : 0;
            state.Delta[sender] += q;
            state.Delta[receiver] -= q;
            if (!receiverViable || !senderOk)
            {
                continue;
            }

            var gain = after - before - (q * price.CostPerUnit);
            var valueGain = after - before;
            if (gain <= 1e-9 || valueGain < ratio * ((q * price.CostPerUnit) + shipment))
            {
                continue;
            }

            if (gain > best.Gain + 1e-9)
            {
                best = new Candidate(q, gain, -(gain - shipment) / q);
            }
        }

        return best;
    }
}
