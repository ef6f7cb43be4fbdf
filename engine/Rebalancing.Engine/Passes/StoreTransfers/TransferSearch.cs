using System.Runtime.CompilerServices;
using Rebalancing.Engine.Model;
using Rebalancing.Engine.Planning;
using Rebalancing.Engine.Valuation;

namespace Rebalancing.Engine.Passes.StoreTransfers;

/// <summary>
/// Store-to-store transfers over a set of stores (one cluster, or all stores for the cross-cluster step): every
/// (sender, receiver) pair of a SKU is priced exactly — the value change of both blocks at the end state, less
/// per-unit freight — for every allowed quantity, and the best transfers are taken greedily, largest net gain first
/// (not per unit: a store's need is filled by the transfer that gains most in all, not by the thinnest slice of it that
/// gains most per unit; +1.4 % net benefit on the regression networks). Ranking charges an unopened route its
/// shipment cost, so transfers bundle onto routes already in use.
/// </summary>
internal sealed class TransferSearch
{
    /// <summary>Styles per unit of work when pairs are listed on several threads.</summary>
    internal const int StylesPerChunk = 16;

    private readonly PlanState state;
    private readonly PlanContext context;
    private readonly int pass;
    /// <summary>The cluster whose stores may trade, or -1 for every store.</summary>
    private readonly int cluster;
    private readonly int[] changeCapBudget;
    private readonly bool parallel;
    private readonly PairQueue queue = new();
    private readonly List<int> senders = [];
    private readonly List<int> receivers = [];
    private readonly List<(double Bound, int Cell)> receiverBound = [];

    /// <summary>Per node, its receiver's place in <see cref="receiverBound"/> while a SKU is being listed, else -1.</summary>
    private readonly int[] listedAt;
    private readonly double[] cheapestPerUnit;
    private readonly double[] cheapestShipment;

    public TransferSearch(PlanState state, int pass, int cluster, int[] changeCapBudget, bool parallel)
    {
        this.parallel = parallel;
        this.state = state;
        context = state.Context;
        this.pass = pass;
        this.cluster = cluster;
        this.changeCapBudget = changeCapBudget;
        var nodes = context.Snapshot.Nodes.Length;
        listedAt = new int[nodes];
        Array.Fill(listedAt, -1);
        cheapestPerUnit = new double[nodes];
        cheapestShipment = new double[nodes];
        Array.Fill(cheapestPerUnit, double.NaN);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run()
    {
        EnqueueEverySku();
        while (queue.TryDequeue(out var sender, out var receiver, out var queuedKey))
        {
            var pair = (Sender: sender, Receiver: receiver);
            var candidate = Evaluate(pair.Sender, pair.Receiver);
            if (candidate.Quantity == 0)
            {
                continue;
            }

            if (candidate.Key > queuedKey + (1e-9 * Math.Max(1, Math.Abs(candidate.Key))))
            {
                queue.Enqueue(pair.Sender, pair.Receiver, candidate.Key);
                continue;
            }

            var receiverBlock = context.CellBlock[pair.Receiver];
            var wasViable = state.IsViable(receiverBlock);
            state.Apply(pass, pair.Sender, pair.Receiver, candidate.Quantity, candidate.ValueGain);
            if (changeCapBudget[context.CellSku[pair.Sender]] != int.MaxValue)
            {
                changeCapBudget[context.CellSku[pair.Sender]] -= candidate.Quantity;
            }

            // A run completed at the receiver: every size there now sells at full demand and may be worth receiving.
            if (!wasViable && state.IsViable(receiverBlock))
            {
                EnqueueReceiversOf(receiverBlock);
            }
        }
    }

    /// <summary>
    /// Queues every pair worth pricing, SKU by SKU. Listing only reads the state, except that pricing tries a pair's
    /// units on the cells of its style's blocks and puts them back; so with <see cref="parallel"/> set, workers list
    /// disjoint sets of whole styles on one shared state, each into a queue of its own. The queue's order is total
    /// (key, sender, receiver), so the merged queue hands out pairs exactly as one listed on one thread would.
    /// </summary>
    private void EnqueueEverySku()
    {
        var styles = context.Snapshot.StyleSkus;
        var chunks = (styles.Length + StylesPerChunk - 1) / StylesPerChunk;
        if (!parallel || chunks < 2)
        {
            for (var sku = 0; sku < context.Snapshot.Products.Length; sku++)
            {
                EnqueueSku(sku);
            }

            return;
        }

        var listers = new System.Collections.Concurrent.ConcurrentBag<TransferSearch>();
        Parallel.For(
            0,
            chunks,
            () => new TransferSearch(state, pass, cluster, changeCapBudget, parallel: false),
            (chunk, _, lister) =>
            {
                for (var style = chunk * StylesPerChunk; style < Math.Min(styles.Length, (chunk + 1) * StylesPerChunk); style++)
                {
                    foreach (var sku in styles[style])
                    {
                        lister.EnqueueSku(sku);
                    }
                }

                return lister;
            },
            listers.Add);
        queue.EnqueueAll([.. listers.Select(lister => lister.queue)]);
    }

    private void EnqueueReceiversOf(int block)
    {
        for (var receiver = context.BlockStart[block]; receiver < context.BlockStart[block + 1]; receiver++)
        {
            if (!CanReceive(receiver))
            {
                continue;
            }

            foreach (var sender in cluster < 0 ? context.CellsOfSku(context.CellSku[receiver]) : context.StoreCellsOfSku(cluster, context.CellSku[receiver]))
            {
                if (sender != receiver && CanSend(sender) && InScope(context.CellNode[sender], context.CellNode[receiver]))
                {
                    var candidate = Evaluate(sender, receiver);
                    if (candidate.Quantity > 0)
                    {
                        queue.Enqueue(sender, receiver, candidate.Key);
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void EnqueueSku(int sku)
    {
        senders.Clear();
        receivers.Clear();
        if (Math.Min(state.ChangeCapLeft[sku], changeCapBudget[sku]) < 1)
        {
            return;
        }

        // A pair moves at least the larger of both sides' minimums: a side that cannot meet its own never pairs.
        foreach (var cell in cluster < 0 ? context.CellsOfSku(sku) : context.StoreCellsOfSku(cluster, sku))
        {
            var minimum = Math.Max(1, context.PolicyOf(cell).MinTransferUnits);
            if (CanSend(cell) && state.Available(cell) >= minimum)
            {
                senders.Add(cell);
            }

            if (CanReceive(cell) && state.FreeCapacity(context.CellNode[cell]) >= minimum)
            {
                receivers.Add(cell);
            }
        }

        // A pair can gain only if the receiver's best case for one unit beats the sender's loss of one (freight is
        // never negative): with receivers sorted by best case, each sender stops at the first that cannot.
        receiverBound.Clear();
        foreach (var receiver in receivers)
        {
            receiverBound.Add((ReceiverUpperBound(receiver, state.IsViable(context.CellBlock[receiver])), receiver));
        }

        receiverBound.Sort((a, b) => a.Bound != b.Bound ? b.Bound.CompareTo(a.Bound) : a.Cell.CompareTo(b.Cell));
        var bestMarkdownValue = double.MinValue;
        for (var i = 0; i < receiverBound.Count; i++)
        {
            var receiver = receiverBound[i].Cell;
            listedAt[context.CellNode[receiver]] = i;
            bestMarkdownValue = Math.Max(bestMarkdownValue, MarkdownValue(receiver));
        }

        foreach (var sender in senders)
        {
            var loss = SenderLoss(sender, state.IsViable(context.CellBlock[sender]));
            var from = context.CellNode[sender];
            var most = Math.Min(context.PolicyOf(sender).MaxTransferUnits, state.Available(sender));
            var markdownShift = Math.Max(0, bestMarkdownValue - MarkdownValue(sender));
            var (cheapestPerUnit, cheapestShipment) = Floors(from);
            for (var i = 0; i < receiverBound.Count; i++)
            {
                var bound = receiverBound[i].Bound;
                if (bound <= loss)
                {
                    break;
                }

                // From here down no receiver on a new route can pay its shipment (bounds only fall): only routes that
                // already ship can still carry a transfer.
                if (most * (bound - loss - cheapestPerUnit + markdownShift) < cheapestShipment - (1e-6 * (1 + cheapestShipment)))
                {
                    foreach (var to in state.OpenRoutesFrom(from))
                    {
                        if (listedAt[to] >= i && receiverBound[listedAt[to]].Bound > loss && context.CellNode[receiverBound[listedAt[to]].Cell] == to)
                        {
                            TryEnqueuePair(sender, receiverBound[listedAt[to]].Cell, receiverBound[listedAt[to]].Bound, loss);
                        }
                    }

                    break;
                }

                TryEnqueuePair(sender, receiverBound[i].Cell, bound, loss);
            }
        }

        foreach (var (_, receiver) in receiverBound)
        {
            listedAt[context.CellNode[receiver]] = -1;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void TryEnqueuePair(int sender, int receiver, double bound, double loss)
    {
        var from = context.CellNode[sender];
        var to = context.CellNode[receiver];
        if (receiver == sender || !InScope(from, to))
        {
            return;
        }

        var price = context.Route(from, to);
        var perUnit = bound - loss - price.CostPerUnit;
        if (perUnit <= 0 || CannotPayShipment(sender, receiver, perUnit, price))
        {
            return;
        }

        var candidate = Evaluate(sender, receiver);
        if (candidate.Quantity > 0)
        {
            queue.Enqueue(sender, receiver, candidate.Key);
        }
    }

    /// <summary>The lowest per-unit and per-shipment freight from a node to any store this search may pair it with.</summary>
    private (double PerUnit, double PerShipment) Floors(int from)
    {
        if (double.IsNaN(cheapestPerUnit[from]))
        {
            double perUnit = double.MaxValue, perShipment = double.MaxValue;
            for (var to = 0; to < context.NodeIsStore.Length; to++)
            {
                if (to != from && context.NodeIsStore[to] && (cluster < 0 || context.NodeCluster[to] == cluster) && InScope(from, to))
                {
                    var price = context.Route(from, to);
                    perUnit = Math.Min(perUnit, price.CostPerUnit);
                    perShipment = Math.Min(perShipment, price.CostPerShipment);
                }
            }

            cheapestPerUnit[from] = perUnit;
            cheapestShipment[from] = perShipment;
        }

        return (cheapestPerUnit[from], cheapestShipment[from]);
    }

    /// <summary>
    /// Whether a transfer would have to open the route and could not pay its shipment: no unit gains more than the
    /// first (values are concave in position; a completed run is counted in the first unit's bound), so the most units
    /// the pair may move, each at <paramref name="perUnit"/> plus any markdown shift, bound the gain. The margin keeps
    /// pairs at the border for the exact evaluation.
    /// </summary>
    private bool CannotPayShipment(int sender, int receiver, double perUnit, RoutePrice price)
    {
        if (price.CostPerShipment <= 0)
        {
            return false;
        }

        var most = Math.Min(Math.Min(context.PolicyOf(sender).MaxTransferUnits, context.PolicyOf(receiver).MaxTransferUnits), state.Available(sender));
        var markdownShift = MarkdownShift(sender, receiver);
        var mostGain = most * (perUnit + Math.Max(0, markdownShift));
        return mostGain < price.CostPerShipment - (1e-6 * (1 + price.CostPerShipment))
            && state.RouteUnits(context.CellNode[sender], context.CellNode[receiver]) == 0;
    }

    /// <summary>Whether two stores may trade in this search: any two of the cluster, or two of different clusters.</summary>
    /// <remarks>Written out rather than passed in as a delegate: it is asked for every pair listed.</remarks>
    private bool InScope(int from, int to) => cluster >= 0 || context.NodeCluster[from] != context.NodeCluster[to];

    /// <summary>
    /// The multiple of its freight a transfer must gain: none within a cluster; across clusters the larger of both
    /// sides' <c>pass2.inter_cluster_min_uplift_ratio</c>.
    /// </summary>
    private double RequiredRatio(int from, int to) => cluster >= 0
        ? 0.0
        : StoreTransfersPass.InterClusterRatio(context, from, to);

    /// <summary>What a unit is worth at the cell even unsold: its price at the markdown, <c>P (1 - m)</c>.</summary>
    private double MarkdownValue(int cell) => context.CellPrice[cell] * (1 - context.CellMarkdown[cell]);

    /// <summary>The markdown value a unit gains by moving (zero unless the two cells' markdown rates differ).</summary>
    private double MarkdownShift(int sender, int receiver) => MarkdownValue(receiver) - MarkdownValue(sender);

    private bool CanSend(int cell)
    {
        var node = context.CellNode[cell];
        return context.NodeIsStore[node]
            && context.NodeShipEnabled[node]
            && (cluster < 0 || context.NodeCluster[node] == cluster)
            && state.Available(cell) > 0
            && !context.SkuIsEol[context.CellSku[cell]]
            && !context.CellReceivedRecently[cell];
    }

    private bool CanReceive(int cell)
    {
        var node = context.CellNode[cell];
        return context.NodeIsStore[node]
            && context.NodeReceiveEnabled[node]
            && (cluster < 0 || context.NodeCluster[node] == cluster)
            && state.Role[cell] != CellRole.Sender
            && !context.CellSentRecently[cell];
    }

    /// <summary>
    /// The most one unit could bring the receiver: its next full-price sale at full demand, plus, when the unit would
    /// complete the receiver's run, the whole block selling at full demand. Zero when the receiver's style has no
    /// demand or one unit cannot make the run viable (the move would leave a fragment).
    /// </summary>
    /// <param name="receiver">The receiving cell.</param>
    /// <param name="receiverViable">Whether the receiver's style is a viable run in the current state.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double ReceiverUpperBound(int receiver, bool receiverViable)
    {
        var receiverBlock = context.CellBlock[receiver];
        if (!context.BlockHasDemand[receiverBlock])
        {
            return 0;
        }

        var receiverGain = context.CellMarkdown[receiver] * context.CellPrice[receiver] * context.CellTailsViable[receiver].Tail(state.Position(receiver) + 1);
        if (receiverViable || state.IsPresent(receiver))
        {
            return receiverGain;
        }

        state.Delta[receiver] += 1;
        var completes = state.IsViable(receiverBlock);
        state.Delta[receiver] -= 1;
        if (!completes)
        {
            return 0;
        }

        var unlocked = 0.0;
        for (var c = context.BlockStart[receiverBlock]; c < context.BlockStart[receiverBlock + 1]; c++)
        {
            var position = state.Position(c);
            unlocked += context.CellValue(c, position, viable: true) - context.CellValue(c, position, viable: false);
        }

        return receiverGain + unlocked;
    }

    /// <summary>The full-price sale the sender's last unit might have made (its style viable or not, as given).</summary>
    private double SenderLoss(int sender, bool senderViable)
    {
        var senderTails = context.TailsOf(sender, senderViable);
        return context.CellMarkdown[sender] * context.CellPrice[sender] * senderTails.Tail(state.Position(sender));
    }

    /// <summary>
    /// A screen before the exact pricing, which it never contradicts: per unit, a transfer gains at most the
    /// receiver's bound less the sender's loss and the freight, plus any markdown value the unit gains by moving
    /// (values are concave in position and a completed run is counted in the bound), so <paramref name="max"/> units
    /// that cannot pay the shipment at that rate cannot gain. The margin leaves borderline pairs to the exact pricing.
    /// </summary>
    private bool CannotGain(int sender, int receiver, bool senderViable, bool receiverViable, int max, double costPerUnit, double shipment)
    {
        var markdownShift = MarkdownShift(sender, receiver);
        var perUnit = ReceiverUpperBound(receiver, receiverViable) - SenderLoss(sender, senderViable) - costPerUnit + Math.Max(0, markdownShift);
        return max * perUnit < shipment - (1e-6 * (1 + shipment));
    }

    private readonly record struct Candidate(int Quantity, double Gain, double Key, double ValueGain);

    /// <summary>The best quantity for a pair under every rule, its exact gain, and its ranking key.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Candidate Evaluate(int sender, int receiver)
    {
        if (!CanSend(sender) || !CanReceive(receiver) || state.FindMove(pass, sender, receiver) is not null)
        {
            return default;
        }

        var from = context.CellNode[sender];
        var to = context.CellNode[receiver];
        if (state.IsBanned(from, to))
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
        var routeUnits = state.RouteUnits(from, to);
        max = Math.Min(max, context.RouteCap(from, to) - routeUnits);
        max = Math.Min(max, Math.Min(state.ChangeCapLeft[sku], changeCapBudget[sku]));
        if (max < min)
        {
            return default;
        }

        var price = context.Route(from, to);
        var routeOpen = routeUnits > 0;
        var shipment = routeOpen ? 0.0 : price.CostPerShipment;

        // Each block's run is judged once here; the screen, the margin and the exact pricing share the answers.
        var senderBlock = context.CellBlock[sender];
        var receiverBlock = context.CellBlock[receiver];
        var senderWasViable = state.IsViable(senderBlock);
        var receiverIsViable = state.IsViable(receiverBlock);
        if (CannotGain(sender, receiver, senderWasViable, receiverIsViable, max, price.CostPerUnit, shipment))
        {
            return default;
        }

        var ratio = RequiredRatio(from, to);

        // While no size appears at the receiver and none vanishes at the sender, no run changes: the value change is
        // exactly the receiver's gained full-price sales less the sender's lost ones (markdown value cancels).
        var receiverStock = context.CellStock[receiver] + state.Delta[receiver];
        var senderStock = context.CellStock[sender] + state.Delta[sender];
        if (receiverStock >= 1 && senderStock - max >= 1)
        {
            return receiverIsViable
                ? ExtendAtMargin(sender, receiver, 0, 0, min, max, price.CostPerUnit, shipment, ratio, receiverViable: true, senderViable: senderWasViable)
                : default;
        }

        // A size appears or vanishes: value the blocks exactly. Beyond the first allowed quantity the runs stay as they
        // are until the sender would be emptied, so further units are priced at the margin.
        var before = state.BlockValue(senderBlock) + state.BlockValue(receiverBlock);
        Candidate best = default;
        var exactUpTo = min;
        for (var q = min; q <= max; q++)
        {
            var senderEmptied = senderStock - q < 1;
            if (q > exactUpTo && !senderEmptied && q > min)
            {
                continue;
            }

            state.Delta[sender] -= q;
            state.Delta[receiver] += q;
            var receiverViable = state.IsViable(receiverBlock);
            var senderViable = state.IsViable(senderBlock);
            var senderOk = !senderWasViable || senderViable || !state.HoldsAny(senderBlock);
            var after = receiverViable && senderOk ? state.BlockValue(senderBlock) + state.BlockValue(receiverBlock) : 0;
            state.Delta[sender] += q;
            state.Delta[receiver] -= q;
            if (!receiverViable || !senderOk)
            {
                continue;
            }

            best = Better(best, q, after - before, price.CostPerUnit, shipment, ratio);
            if (q == min && senderStock - max >= 1)
            {
                // Runs are settled from here on: extend at the margin in one walk.
                var extended = ExtendAtMargin(sender, receiver, min, after - before, min, max, price.CostPerUnit, shipment, ratio, receiverViable, senderViable);
                return extended.Gain > best.Gain ? extended : best;
            }
        }

        return best;
    }

    /// <summary>
    /// Prices quantities <c>from + 1 .. max</c> (those of at least <paramref name="min"/>) at the margin, starting from
    /// an exactly valued <paramref name="from"/> units: the runs are as they stand once <paramref name="from"/> units
    /// moved and no later unit changes them, so each further unit adds the receiver's next full-price sale and
    /// removes the sender's last (the markdown value moves with the unit). <paramref name="receiverViable"/> and
    /// <paramref name="senderViable"/> are the two runs once <paramref name="from"/> units moved.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Candidate ExtendAtMargin(int sender, int receiver, int from, double valueAtFrom, int min, int max, double costPerUnit, double shipment, double ratio, bool receiverViable, bool senderViable)
    {
        var count = max - from;
        Candidate best = default;
        if (count <= 0)
        {
            return best;
        }

        var receiverTable = context.TailsOf(receiver, receiverViable);
        var senderTable = context.TailsOf(sender, senderViable);
        var receiverPosition = state.Position(receiver) + from;
        var senderPosition = state.Position(sender) - from;

        Span<double> receiverTails = stackalloc double[count];
        Span<double> senderTails = stackalloc double[count];
        receiverTable.Tails(receiverPosition + 1, receiverTails);
        senderTable.Tails(senderPosition - count + 1, senderTails);
        var receiverScale = context.CellMarkdown[receiver] * context.CellPrice[receiver];
        var senderScale = context.CellMarkdown[sender] * context.CellPrice[sender];
        var markdownShift = MarkdownShift(sender, receiver);
        var valueGain = valueAtFrom;
        for (var q = from + 1; q <= max; q++)
        {
            var k = q - from;
            valueGain += markdownShift + (receiverScale * receiverTails[k - 1]) - (senderScale * senderTails[count - k]);
            if (q >= min)
            {
                best = Better(best, q, valueGain, costPerUnit, shipment, ratio);
            }
        }

        return best;
    }

    /// <summary>
    /// Keeps the better of two quantities. A transfer must gain after per-unit freight and, when it opens a route
    /// (<paramref name="shipment"/> &gt; 0), after the route's shipment cost too: a route no first transfer can pay for
    /// is rarely paid for by later small ones, and each unpaid route costs a whole replanning round.
    /// </summary>
    private static Candidate Better(Candidate best, int q, double valueGain, double costPerUnit, double shipment, double ratio)
    {
        var gain = valueGain - (q * costPerUnit);
        if (gain - shipment <= 1e-9 || valueGain < ratio * ((q * costPerUnit) + shipment) || gain <= best.Gain + 1e-9)
        {
            return best;
        }

        // Ranked by the whole net gain, an unopened route's shipment charged (smallest key first).
        return new Candidate(q, gain, -(gain - shipment), valueGain);
    }
}
