using System.Runtime.CompilerServices;
using Rebalancing.Engine.Model;
using Rebalancing.Engine.Planning;
using Rebalancing.Engine.Valuation;

namespace Rebalancing.Engine.Passes.StoreTransfers;

/// <summary>
/// Store-to-store transfers over a set of stores (one cluster, or all stores for the cross-cluster step), by ranked
/// cursors: per SKU, the senders are ranked once by the full-price sale their last unit might make (lowest first),
/// and each receiver keeps its next <see cref="PairsPerReceiver"/> senders in that order priced exactly in one queue
/// over every SKU. The best transfer in the queue is taken, largest net gain first (the whole transfer's, not per
/// unit; an unopened route is charged its shipment cost); whenever one of a receiver's pairs leaves the queue, taken or
/// found worthless, the receiver's cursor prices the next sender in rank. So a row is priced against a few senders at a
/// time, not against every store of its cluster as the search before round 6 did. What still grows with the cluster is
/// re-pricing: the senders that lose least are in many receivers' windows, and when one runs dry each of those
/// receivers prices its next sender (docs/performance.md has the counts). Ties in the queue go to the lower sender
/// rank, then the lower receiver id: both numbered in style order from the canonical cells, so the plan is the same
/// for any row order or thread count.
/// </summary>
/// <remarks>
/// A cursor stops at the first sender whose loss (as ranked) reaches the receiver's best case for a unit: a sender's
/// loss only grows as it sends, so no sender further down could gain. Senders that can no longer send are skipped
/// once per SKU (<see cref="skuFirstLive"/>). When a transfer completes a run at a receiver, every size of that block
/// starts its cursor again from the first live sender: each now sells at full demand.
/// </remarks>
internal sealed class TransferSearch
{
    /// <summary>Styles per unit of work when SKUs are listed on several threads.</summary>
    internal const int StylesPerChunk = 16;

    /// <summary>
    /// Pairs each receiver keeps priced in the queue: enough that a receiver's best sender is usually among them when
    /// routes differ in price, few enough that the pricing per row stays a small constant.
    /// </summary>
    internal const int PairsPerReceiver = 5;

    private readonly PlanState state;
    private readonly PlanContext context;
    private readonly int pass;
    /// <summary>The cluster whose stores may trade, or -1 for every store.</summary>
    private readonly int cluster;
    private readonly int[] changeCapBudget;
    private readonly bool parallel;
    private readonly PairQueue queue = new();

    /// <summary>Senders by rank: each SKU's senders are one stretch, lowest loss first (ties by cell).</summary>
    private int[] senderCell = new int[256];
    private double[] senderLoss = new double[256];
    private int senderCount;
    private readonly int[] skuSendersStart;
    private readonly int[] skuSendersEnd;
    /// <summary>Per SKU, the first rank that may still send: senders before it have nothing left to send.</summary>
    private readonly int[] skuFirstLive;

    /// <summary>Receivers by id: the cell, the next sender rank its cursor prices, and its pairs in the queue.</summary>
    private int[] receiverCell = new int[256];
    private int[] receiverNextRank = new int[256];
    private int[] receiverPending = new int[256];
    private int receiverCount;
    private readonly Dictionary<int, int> receiverIdOfCell = [];

    private readonly List<(double Loss, int Cell)> rankedSenders = [];
    private long pricings;
    private long removals;

    /// <summary>
    /// Exact pricings and queue removals of every search so far: diagnostics the benchmarks' probe reads and resets
    /// (docs/performance.md); nothing in a plan depends on them.
    /// </summary>
    internal static long TotalPricings;
    internal static long TotalRemovals;
    internal static long TotalSearches;

    public TransferSearch(PlanState state, int pass, int cluster, int[] changeCapBudget, bool parallel)
    {
        this.parallel = parallel;
        this.state = state;
        context = state.Context;
        this.pass = pass;
        this.cluster = cluster;
        this.changeCapBudget = changeCapBudget;
        var skus = context.Snapshot.Products.Length;
        skuSendersStart = new int[skus];
        skuSendersEnd = new int[skus];
        skuFirstLive = new int[skus];
    }

    /// <summary>
    /// A lister of some styles for <paramref name="search"/>: it numbers its senders and receivers from zero and writes
    /// its SKUs' stretches into the search's arrays (each SKU is listed by one lister only).
    /// </summary>
    private TransferSearch(TransferSearch search)
    {
        state = search.state;
        context = search.context;
        pass = search.pass;
        cluster = search.cluster;
        changeCapBudget = search.changeCapBudget;
        skuSendersStart = search.skuSendersStart;
        skuSendersEnd = search.skuSendersEnd;
        skuFirstLive = search.skuFirstLive;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run()
    {
        ListEveryStyle();
        while (queue.TryDequeue(out var rank, out var id, out var queuedKey))
        {
            removals++;
            receiverPending[id]--;
            var sender = senderCell[rank];
            var receiver = receiverCell[id];
            var candidate = Evaluate(sender, receiver);
            pricings++;
            if (candidate.Quantity == 0)
            {
                PriceNextSenders(id);
                continue;
            }

            if (candidate.Key > queuedKey + (1e-9 * Math.Max(1, Math.Abs(candidate.Key))))
            {
                queue.Enqueue(rank, id, candidate.Key);
                receiverPending[id]++;
                continue;
            }

            var receiverBlock = context.CellBlock[receiver];
            var wasViable = state.IsViableAsApplied(receiverBlock);
            state.Apply(pass, sender, receiver, candidate.Quantity, candidate.ValueGain);
            if (changeCapBudget[context.CellSku[sender]] != int.MaxValue)
            {
                changeCapBudget[context.CellSku[sender]] -= candidate.Quantity;
            }

            // A run completed at the receiver: every size there now sells at full demand and may be worth receiving.
            if (!wasViable && state.IsViableAsApplied(receiverBlock))
            {
                RestartReceiversOf(receiverBlock);
            }

            PriceNextSenders(id);
        }

        Interlocked.Add(ref TotalPricings, pricings);
        Interlocked.Add(ref TotalRemovals, removals);
        Interlocked.Increment(ref TotalSearches);
    }

    /// <summary>
    /// Ranks every SKU's senders and starts every receiver's cursor, style by style. Listing only reads the state,
    /// except that pricing tries a pair's units on its style's cells and puts them back; so with
    /// <see cref="parallel"/> set, listers take disjoint runs of whole styles on one shared state, each numbering its
    /// senders and receivers from zero, and their lists are joined in style order: the numbers, and so the queue's
    /// order (key, sender rank, receiver id), are those one listing on one thread gives.
    /// </summary>
    private void ListEveryStyle()
    {
        var styles = context.Snapshot.StyleSkus;
        var chunks = (styles.Length + StylesPerChunk - 1) / StylesPerChunk;
        if (!parallel || chunks < 2)
        {
            ListStyles(0, styles.Length);
            return;
        }

        var listers = new TransferSearch[chunks];
        Parallel.For(0, chunks, chunk =>
        {
            var lister = new TransferSearch(this);
            lister.ListStyles(chunk * StylesPerChunk, Math.Min(styles.Length, (chunk + 1) * StylesPerChunk));
            listers[chunk] = lister;
        });

        for (var chunk = 0; chunk < chunks; chunk++)
        {
            Join(listers[chunk], chunk * StylesPerChunk, Math.Min(styles.Length, (chunk + 1) * StylesPerChunk));
            listers[chunk] = null!;
        }

        queue.Heapify();
    }

    private void ListStyles(int firstStyle, int endStyle)
    {
        for (var style = firstStyle; style < endStyle; style++)
        {
            foreach (var sku in context.Snapshot.StyleSkus[style])
            {
                ListSku(sku);
            }
        }
    }

    /// <summary>Appends a lister's senders, receivers and pairs, renumbered after those listed before it.</summary>
    private void Join(TransferSearch lister, int firstStyle, int endStyle)
    {
        var rankOffset = senderCount;
        var idOffset = receiverCount;
        for (var style = firstStyle; style < endStyle; style++)
        {
            foreach (var sku in context.Snapshot.StyleSkus[style])
            {
                if (skuSendersEnd[sku] > skuSendersStart[sku])
                {
                    skuSendersStart[sku] += rankOffset;
                    skuSendersEnd[sku] += rankOffset;
                    skuFirstLive[sku] += rankOffset;
                }
            }
        }

        EnsureSenderRoom(senderCount + lister.senderCount);
        Array.Copy(lister.senderCell, 0, senderCell, senderCount, lister.senderCount);
        Array.Copy(lister.senderLoss, 0, senderLoss, senderCount, lister.senderCount);
        senderCount += lister.senderCount;
        for (var i = 0; i < lister.receiverCount; i++)
        {
            var id = AddReceiver(lister.receiverCell[i]);
            receiverNextRank[id] = lister.receiverNextRank[i] + rankOffset;
            receiverPending[id] = lister.receiverPending[i];
        }

        queue.AppendAll(lister.queue, rankOffset, idOffset);
        pricings += lister.pricings;
    }

    /// <summary>Ranks a SKU's senders and starts every receiver's cursor.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ListSku(int sku)
    {
        if (Math.Min(state.ChangeCapLeft[sku], changeCapBudget[sku]) < 1)
        {
            return;
        }

        var cells = cluster < 0 ? context.CellsOfSku(sku) : context.StoreCellsOfSku(cluster, sku);

        // A pair moves at least the larger of both sides' minimums: a sender that cannot meet its own never pairs.
        rankedSenders.Clear();
        foreach (var cell in cells)
        {
            if (CanSend(cell) && state.Available(cell) >= Math.Max(1, context.PolicyOf(cell).MinTransferUnits))
            {
                rankedSenders.Add((SenderLoss(cell, state.IsViableAsApplied(context.CellBlock[cell])), cell));
            }
        }

        if (rankedSenders.Count == 0)
        {
            return;
        }

        rankedSenders.Sort((a, b) => a.Loss != b.Loss ? a.Loss.CompareTo(b.Loss) : a.Cell.CompareTo(b.Cell));
        EnsureSenderRoom(senderCount + rankedSenders.Count);
        skuSendersStart[sku] = skuFirstLive[sku] = senderCount;
        foreach (var (loss, cell) in rankedSenders)
        {
            senderCell[senderCount] = cell;
            senderLoss[senderCount++] = loss;
        }

        skuSendersEnd[sku] = senderCount;
        foreach (var cell in cells)
        {
            PriceNextSenders(NotListed, cell, skuSendersStart[sku]);
        }
    }

    private int AddReceiver(int cell)
    {
        if (receiverCount == receiverCell.Length)
        {
            Array.Resize(ref receiverCell, receiverCount * 2);
            Array.Resize(ref receiverNextRank, receiverCount * 2);
            Array.Resize(ref receiverPending, receiverCount * 2);
        }

        var id = receiverCount++;
        receiverCell[id] = cell;
        receiverPending[id] = 0;
        receiverIdOfCell[cell] = id;
        return id;
    }

    private void EnsureSenderRoom(int needed)
    {
        if (needed > senderCell.Length)
        {
            var size = Math.Max(needed, senderCell.Length * 2);
            Array.Resize(ref senderCell, size);
            Array.Resize(ref senderLoss, size);
        }
    }

    /// <summary>A receiver with no pair in the queue yet: it gets an id with its first.</summary>
    private const int NotListed = -1;

    private void PriceNextSenders(int id) => PriceNextSenders(id, receiverCell[id], receiverNextRank[id]);

    /// <summary>
    /// Moves a receiver's cursor down its SKU's ranked senders from <paramref name="rank"/> until it has
    /// <see cref="PairsPerReceiver"/> pairs in the queue that can gain, or no sender further down could. A receiver is
    /// listed (<paramref name="id"/>) only once it has a pair: most rows never do, and hold no memory.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PriceNextSenders(int id, int receiver, int rank)
    {
        var pending = id == NotListed ? 0 : receiverPending[id];
        if (pending >= PairsPerReceiver || !CanReceive(receiver))
        {
            return;
        }

        var sku = context.CellSku[receiver];
        var to = context.CellNode[receiver];
        var end = skuSendersEnd[sku];
        rank = Math.Max(rank, FirstLive(sku));
        if (rank < end && state.FreeCapacity(to) >= Math.Max(1, context.PolicyOf(receiver).MinTransferUnits))
        {
            var bound = ReceiverUpperBound(receiver, state.IsViableAsApplied(context.CellBlock[receiver]));
            while (pending < PairsPerReceiver && rank < end)
            {
                var loss = senderLoss[rank];
                if (bound <= loss)
                {
                    rank = end;
                    break;
                }

                var sender = senderCell[rank++];
                var from = context.CellNode[sender];
                if (from == to || !InScope(from, to) || !CanSend(sender))
                {
                    continue;
                }

                var price = context.Route(from, to);
                var perUnit = bound - loss - price.CostPerUnit;
                if (perUnit <= 0 || CannotPayShipment(sender, receiver, perUnit, price))
                {
                    continue;
                }

                var candidate = Evaluate(sender, receiver);
                pricings++;
                if (candidate.Quantity > 0)
                {
                    if (id == NotListed)
                    {
                        id = AddReceiver(receiver);
                    }

                    queue.Enqueue(rank - 1, id, candidate.Key);
                    pending = ++receiverPending[id];
                }
            }
        }
        else
        {
            rank = end;
        }

        if (id != NotListed)
        {
            receiverNextRank[id] = rank;
        }
    }

    /// <summary>The SKU's first sender rank that may still send (a sender that cannot never can again in a search).</summary>
    private int FirstLive(int sku)
    {
        var rank = skuFirstLive[sku];
        var end = skuSendersEnd[sku];
        while (rank < end && !CanSend(senderCell[rank]))
        {
            rank++;
        }

        return skuFirstLive[sku] = rank;
    }

    private void RestartReceiversOf(int block)
    {
        for (var cell = context.BlockStart[block]; cell < context.BlockStart[block + 1]; cell++)
        {
            var first = skuSendersStart[context.CellSku[cell]];
            if (receiverIdOfCell.TryGetValue(cell, out var id))
            {
                receiverNextRank[id] = first;
                PriceNextSenders(id);
            }
            else
            {
                PriceNextSenders(NotListed, cell, first);
            }
        }
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
        var senderWasViable = state.IsViableAsApplied(senderBlock);
        var receiverIsViable = state.IsViableAsApplied(receiverBlock);
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
