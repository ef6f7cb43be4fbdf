using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
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
    /// <summary>Parts the rows are split into when classifying in parallel (each part copies the unit changes once).</summary>
    private const int ParallelParts = 8;

    /// <summary>Fewer rows than this are classified on one thread.</summary>
    private const int ParallelFrom = 4096;

    /// <summary>The reason of every untouched inventory row, sorted by (node, SKU); rows are independent, so workers may share them.</summary>
    // Hot loops are compiled optimised at first call: a command-line run assembles once, and tier-0 code would
    // run most of it.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ImmutableArray<BlockedRow> Classify(PlanState state, bool parallel)
    {
        var context = state.Context;
        var snapshot = context.Snapshot;
        var untouched = new List<int>();
        for (var c = 0; c < context.CellCount; c++)
        {
            if (context.CellRow[c] >= 0 && state.Role[c] == CellRole.None)
            {
                untouched.Add(c);
            }
        }

        // Cells are ordered by (node, style, size); the file is ordered by (node, SKU), both ordinal. Ranking the ids
        // once sorts the rows by two integers (each (node, SKU) is one cell, so no two keys tie). Why reads the state
        // and puts back what it tries, so the order rows are classified in does not matter.
        var nodeRank = context.NodeRank;
        var skuRank = context.SkuRank;
        var keys = new long[untouched.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            var c = untouched[i];
            keys[i] = ((long)nodeRank[context.CellNode[c]] * snapshot.Products.Length) + skuRank[context.CellSku[c]];
        }

        var cells = untouched.ToArray();
        Array.Sort(keys, cells);

        var marginals = new Marginals(state);
        var rows = new BlockedRow[cells.Length];
        void ClassifyRange(Worker worker, int first, int end)
        {
            for (var i = first; i < end; i++)
            {
                var c = cells[i];
                var (pass, code, detail) = Why(worker.Reader, marginals, worker.Texts, c);
                rows[i] = new BlockedRow(snapshot.Nodes[context.CellNode[c]].Id, snapshot.Products[context.CellSku[c]].Sku, pass, code, detail);
            }
        }

        if (parallel && cells.Length >= ParallelFrom)
        {
            // Why tries changes and puts them back, so each worker tries them on unit changes of its own: one copy per
            // worker, not per part (a copy holds an int per cell, tens of MB at 10M rows).
            var size = (cells.Length + ParallelParts - 1) / ParallelParts;
            Parallel.For(
                0,
                ParallelParts,
                () => new Worker(state.ReaderWithOwnDelta(), new DetailTexts()),
                (part, _, worker) =>
                {
                    ClassifyRange(worker, part * size, Math.Min(cells.Length, (part + 1) * size));
                    return worker;
                },
                _ => { });
        }
        else
        {
            ClassifyRange(new Worker(state, new DetailTexts()), 0, cells.Length);
        }

        return ImmutableArray.Create(rows);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (int Pass, ReasonCode Code, string Detail) Why(PlanState state, Marginals marginals, DetailTexts texts, int cell)
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
                return state.Position(cell) > 0 && !context.BlockHasDemand[context.CellBlock[cell]]
                    ? (2, ReasonCode.NoDemand, "no demand for the SKU or its style at this store")
                    : state.Position(cell) > 0
                        ? (2, ReasonCode.NoSurplus, texts.Get(new(ReasonCode.NoSurplus, state.Position(cell), available, 0), static k => string.Create(CultureInfo.InvariantCulture, $"position {k.A}, movable {k.B} (reserved or protected)")))
                        : (2, ReasonCode.NoDemand, "no demand and no stock");
            }

            // Keyed apart from the text above by the third number.
            return (defaultPass, ReasonCode.NoSurplus, texts.Get(new(ReasonCode.NoSurplus, OnHand(context, cell), available, 1), static k => string.Create(CultureInfo.InvariantCulture, $"on hand {k.A}, movable {k.B} after reserved and protected units")));
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
            return (pass, ReasonCode.CooldownActive, texts.Get(new(ReasonCode.CooldownActive, BitConverter.DoubleToInt64Bits(context.PolicyOf(cell).CooldownDays), 0, 0), static k => string.Create(CultureInfo.InvariantCulture, $"a recent move within cooldown_days {BitConverter.Int64BitsToDouble(k.A)}")));
        }

        if (state.ChangeCapLeft[sku] < minQuantity)
        {
            return (pass, ReasonCode.ChangeCapReached, texts.Get(new(ReasonCode.ChangeCapReached, Math.Max(0, state.ChangeCapLeft[sku]), minQuantity, 0), static k => string.Create(CultureInfo.InvariantCulture, $"{k.A} units left under change_cap_units_per_sku, minimum move {k.B}")));
        }

        if (node.IsStore && state.Position(cell) > 0 && state.HoldsAny(context.CellBlock[cell]) && !state.IsViable(context.CellBlock[cell]) && context.PolicyOf(cell).Pass3Enabled)
        {
            return (3, ReasonCode.FragmentLeftInPlace, texts.Get(new(ReasonCode.FragmentLeftInPlace, context.CellBlock[cell], 0, 0), (product.Style, node.Id), static (_, t) => string.Create(CultureInfo.InvariantCulture, $"{t.Style} is a fragment at {t.Id}; pass 3 found no consolidation that pays its freight")));
        }

        var freeCapacity = state.FreeCapacity(context.CellNode[receiverCell]);
        if (freeCapacity < minQuantity)
        {
            return (pass, ReasonCode.CapacityFull, texts.Get(new(ReasonCode.CapacityFull, context.CellNode[receiverCell], Math.Max(0, freeCapacity), minQuantity), receiver.Id, static (k, id) => string.Create(CultureInfo.InvariantCulture, $"receiver {id} has room for {k.B}, minimum move {k.C}")));
        }

        var from = context.CellNode[senderCell];
        var to = context.CellNode[receiverCell];
        if (state.RouteRoomLeft(from, to) < minQuantity)
        {
            return (pass, ReasonCode.RouteCapReached, texts.Get(new(ReasonCode.RouteCapReached, from, to, Math.Max(0, state.RouteRoomLeft(from, to))), (From: sender.Id, To: receiver.Id), static (k, ids) => string.Create(CultureInfo.InvariantCulture, $"route {ids.From}->{ids.To} has {k.C} units left")));
        }

        var receiverBlock = context.CellBlock[receiverCell];
        if (!state.IsViable(receiverBlock) && !BecomesViable(state, marginals, receiverCell, minQuantity))
        {
            return (pass, ReasonCode.SizeRunNotViableAtDestination, texts.Get(new(ReasonCode.SizeRunNotViableAtDestination, receiverBlock, 0, 0), (product.Style, receiver.Id), static (_, t) => string.Create(CultureInfo.InvariantCulture, $"{t.Style} is not a viable run at {t.Id}")));
        }

        if (sender.IsStore && BreaksSource(state, senderCell, Math.Min(minQuantity, state.Available(senderCell))))
        {
            return (2, ReasonCode.BreaksSourceSizeRun, texts.Get(new(ReasonCode.BreaksSourceSizeRun, context.CellBlock[senderCell], 0, 0), (product.Style, sender.Id), static (_, t) => string.Create(CultureInfo.InvariantCulture, $"{t.Style} would stop being a viable run at {t.Id}")));
        }

        var maxQuantity = storeToStore
            ? Math.Min(senderPolicy.MaxTransferUnits, receiverPolicy.MaxTransferUnits)
            : Math.Min(senderPolicy.MaxPushUnits, receiverPolicy.MaxPushUnits);
        var (units, gain) = ProfitableUnits(state, senderCell, receiverCell, c.CostPerUnit, Math.Max(minQuantity, maxQuantity));
        if (units < minQuantity && gain > 0)
        {
            return (pass, ReasonCode.BelowMinQuantity, texts.Get(new(ReasonCode.BelowMinQuantity, units, minQuantity, 0), static k => string.Create(CultureInfo.InvariantCulture, $"{k.A} units would gain, minimum move {k.B}")));
        }

        var quantity = Math.Max(minQuantity, units);
        var uplift = Uplift(state, senderCell, receiverCell, quantity);
        var shipment = state.RouteUnits(from, to) > 0 ? 0 : c.Shipment;
        var freight = (quantity * c.CostPerUnit) + shipment;
        if (uplift <= freight)
        {
            return (pass, ReasonCode.FreightExceedsUplift, string.Create(CultureInfo.InvariantCulture, $"gain {uplift:0.00} <= freight {freight:0.00} for {quantity} units"));
        }

        if (storeToStore && sender.ClusterIndex != receiver.ClusterIndex)
        {
            var ratio = Math.Max(senderPolicy.InterClusterMinUpliftRatio, receiverPolicy.InterClusterMinUpliftRatio);
            if (uplift < ratio * freight)
            {
                return (2, ReasonCode.InterClusterUpliftTooLow, string.Create(CultureInfo.InvariantCulture, $"gain {uplift:0.00} < {ratio} x freight {freight:0.00}"));
            }
        }

        return (pass, ReasonCode.Balanced, string.Create(CultureInfo.InvariantCulture, $"best move {sender.Id}->{receiver.Id}: gain {uplift:0.00}, freight {freight:0.00}, but the plan's rules and better uses left nothing to move"));
    }

    private readonly record struct Counterpart(bool Sending, int Other, double NetPerUnit, double CostPerUnit, double Shipment);

    /// <summary>What one thread classifies with: its reader of the final state and its detail texts.</summary>
    private sealed record Worker(PlanState Reader, DetailTexts Texts);

    /// <summary>The numbers that decide a detail text: its code and up to three integers (blocks, nodes, units, or a number's bits).</summary>
    private readonly record struct DetailKey(ReasonCode Code, long A, long B, long C);

    /// <summary>
    /// One worker's detail texts, each formatted once for the numbers that decide it: most untouched rows repeat a few
    /// texts (at 10M rows, 5.5M reasons had about 0.8M distinct details; 1.7M rows shared one), and a plan holds every
    /// reason until it is written. Texts with money in them are nearly all distinct and are not kept here.
    /// </summary>
    private sealed class DetailTexts
    {
        private readonly Dictionary<DetailKey, string> texts = [];

        /// <summary>The text for <paramref name="key"/>, formatted from the key alone the first time.</summary>
        public string Get(DetailKey key, Func<DetailKey, string> format) => Get(key, format, static (k, f) => f(k));

        /// <summary>The text for <paramref name="key"/>, formatted from the key and <paramref name="names"/> the first time (names the key decides).</summary>
        public string Get<TNames>(DetailKey key, TNames names, Func<DetailKey, TNames, string> format)
        {
            if (!texts.TryGetValue(key, out var text))
            {
                text = format(key, names);
                texts.Add(key, text);
            }

            return text;
        }
    }

    /// <summary>The counterpart with the best net marginal gain per unit for one unit moved.</summary>
    /// <remarks>
    /// The best is the first cell in <see cref="PlanContext.CellsOfSku"/> order with the largest
    /// <c>ReceiveGain - SendLoss - cost per unit</c>. The candidates are visited by their own marginal, best first,
    /// with ties to the earlier cell; once even the cheapest route out of (or into) the row's node cannot lift a
    /// candidate to the best found, no later one can, and the scan stops.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Counterpart? BestCounterpart(PlanState state, Marginals marginals, int cell, bool sending)
    {
        if (!marginals.CanPrune)
        {
            return BestCounterpartByScan(state, marginals, cell, sending);
        }

        var context = state.Context;
        var node = context.CellNode[cell];
        var candidates = sending ? marginals.ReceiversOf(context.CellSku[cell]) : marginals.SendersOf(context.CellSku[cell]);
        var own = sending ? marginals.SendLoss[cell] : marginals.ReceiveGain[cell];
        var cheapest = sending ? marginals.CheapestOut[node] : marginals.CheapestIn[node];
        var best = -1;
        var bestNet = 0.0;
        foreach (var other in candidates)
        {
            // Written as net is, with the cheapest route for this one: rounding is monotone, so no candidate after
            // this one (its marginal no better) can reach more than this bound.
            var bound = sending
                ? marginals.ReceiveGain[other] - own - cheapest
                : own - marginals.SendLoss[other] - cheapest;
            if (best >= 0 && bound < bestNet)
            {
                break;
            }

            var otherNode = context.CellNode[other];
            if (otherNode == node)
            {
                continue;
            }

            var net = sending
                ? marginals.ReceiveGain[other] - own - marginals.CostPerUnit(node, otherNode)
                : own - marginals.SendLoss[other] - marginals.CostPerUnit(otherNode, node);
            if (best < 0 || net > bestNet || (net == bestNet && other < best))
            {
                best = other;
                bestNet = net;
            }
        }

        if (best < 0)
        {
            return null;
        }

        var price = sending ? context.Route(node, context.CellNode[best]) : context.Route(context.CellNode[best], node);
        return new Counterpart(sending, best, bestNet, price.CostPerUnit, price.CostPerShipment);
    }

    /// <summary>The plain scan, in <see cref="PlanContext.CellsOfSku"/> order: used when a marginal or a route cost is not finite.</summary>
    private static Counterpart? BestCounterpartByScan(PlanState state, Marginals marginals, int cell, bool sending)
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

            int senderCell, receiverCell;
            if (sending)
            {
                if (!marginals.CanReceive(other))
                {
                    continue;
                }

                (senderCell, receiverCell) = (cell, other);
            }
            else
            {
                if (!marginals.CanSend(other))
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
    /// untouched row compares itself with the other cells of its SKU. With them, per SKU, the cells that could
    /// receive (best gain first) and send (least loss first), and the per-unit cost of every route.
    /// </summary>
    private sealed class Marginals
    {
        private readonly PlanState state;
        private readonly int nodeCount;
        private readonly double[] routeCost;
        private readonly int[] receiverStart;
        private readonly int[] receivers;
        private readonly int[] senderStart;
        private readonly int[] senders;

        /// <summary>Per SKU, the warehouses with units left to send, and the first of them (one cell per node and SKU).</summary>
        private readonly int[] warehouseSenders;
        private readonly int[] firstWarehouseSender;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public Marginals(PlanState state)
        {
            this.state = state;
            var context = state.Context;
            var viable = new bool[context.BlockCount];
            for (var b = 0; b < context.BlockCount; b++)
            {
                viable[b] = state.IsViable(b);
            }

            ReceiveGain = new double[context.CellCount];
            SendLoss = new double[context.CellCount];
            var finite = true;
            for (var c = 0; c < context.CellCount; c++)
            {
                // The context's tables hold exactly the walker's tails for the cell's mean, so nothing is walked here.
                var tails = context.TailsOf(c, viable[context.CellBlock[c]]);
                var scale = context.CellMarkdown[c] * context.CellPrice[c];
                var position = state.Position(c);
                SendLoss[c] = scale * tails.Tail(position);
                ReceiveGain[c] = scale * tails.Tail(position + 1);
                finite &= double.IsFinite(SendLoss[c]) && double.IsFinite(ReceiveGain[c]);
            }

            nodeCount = context.Snapshot.Nodes.Length;
            routeCost = new double[nodeCount * nodeCount];
            CheapestOut = new double[nodeCount];
            CheapestIn = new double[nodeCount];
            Array.Fill(CheapestOut, double.PositiveInfinity);
            Array.Fill(CheapestIn, double.PositiveInfinity);
            for (var from = 0; from < nodeCount; from++)
            {
                for (var to = 0; to < nodeCount; to++)
                {
                    if (from != to)
                    {
                        var cost = context.Route(from, to).CostPerUnit;
                        routeCost[(from * nodeCount) + to] = cost;
                        finite &= double.IsFinite(cost);
                        CheapestOut[from] = Math.Min(CheapestOut[from], cost);
                        CheapestIn[to] = Math.Min(CheapestIn[to], cost);
                    }
                }
            }

            CanPrune = finite;
            var skuCount = context.Snapshot.Products.Length;
            warehouseSenders = new int[skuCount];
            firstWarehouseSender = new int[skuCount];
            for (var c = 0; c < context.CellCount; c++)
            {
                if (!context.IsStore(context.CellNode[c]) && state.Available(c) > 0 && warehouseSenders[context.CellSku[c]]++ == 0)
                {
                    firstWarehouseSender[context.CellSku[c]] = context.CellNode[c];
                }
            }

            // Receivers by gain, largest first (negating is exact); senders by loss, smallest first. Equal keys
            // may come in any order: the search settles ties by cell and only stops on a strictly smaller bound.
            (receiverStart, receivers) = Candidates(context, skuCount, CanReceive, c => -ReceiveGain[c]);
            (senderStart, senders) = Candidates(context, skuCount, CanSend, c => SendLoss[c]);
        }

        public double[] ReceiveGain { get; }

        public double[] SendLoss { get; }

        /// <summary>Per node, the cheapest per-unit cost of a route out of it and into it: lower bounds for pruning.</summary>
        public double[] CheapestOut { get; }

        /// <inheritdoc cref="CheapestOut"/>
        public double[] CheapestIn { get; }

        /// <summary>Whether every marginal and route cost is finite, so the bounds order candidates soundly.</summary>
        public bool CanPrune { get; }

        public double CostPerUnit(int from, int to) => routeCost[(from * nodeCount) + to];

        /// <summary>Whether another row's best move could send to the cell: a store with demand that has not sent.</summary>
        /// <remarks>Written as the negation of <c>rate &lt;= 0</c>, the test the rules use, so a NaN rate counts alike.</remarks>
        public bool CanReceive(int cell) =>
            state.Context.IsStore(state.Context.CellNode[cell]) && !(state.Context.CellRate[cell] <= 0) && state.Role[cell] != CellRole.Sender;

        /// <summary>
        /// Whether a warehouse other than <paramref name="node"/> has units of the SKU left to send in the finished
        /// plan (a row's checks put back every change they try before the next check, so this holds throughout).
        /// </summary>
        public bool WarehouseCanSend(int node, int sku) =>
            warehouseSenders[sku] > 1 || (warehouseSenders[sku] == 1 && firstWarehouseSender[sku] != node);

        /// <summary>Whether another row's best move could take units from the cell.</summary>
        public bool CanSend(int cell) => state.Available(cell) > 0;

        public ReadOnlySpan<int> ReceiversOf(int sku) => receivers.AsSpan(receiverStart[sku], receiverStart[sku + 1] - receiverStart[sku]);

        public ReadOnlySpan<int> SendersOf(int sku) => senders.AsSpan(senderStart[sku], senderStart[sku + 1] - senderStart[sku]);

        private static (int[] Start, int[] Cells) Candidates(PlanContext context, int skuCount, Func<int, bool> eligible, Func<int, double> key)
        {
            var start = new int[skuCount + 1];
            var cells = new List<int>();
            for (var sku = 0; sku < skuCount; sku++)
            {
                start[sku] = cells.Count;
                foreach (var c in context.CellsOfSku(sku))
                {
                    if (eligible(c))
                    {
                        cells.Add(c);
                    }
                }
            }

            start[skuCount] = cells.Count;
            var ordered = cells.ToArray();
            var keys = new double[ordered.Length];
            for (var i = 0; i < ordered.Length; i++)
            {
                keys[i] = key(ordered[i]);
            }

            for (var sku = 0; sku < skuCount; sku++)
            {
                Array.Sort(keys, ordered, start[sku], start[sku + 1] - start[sku]);
            }

            return (start, ordered);
        }
    }

    /// <summary>How many units in a row gain more than their per-unit freight, and what they gain.</summary>
    /// <remarks>
    /// The runs are taken as they stand after the first unit moves (a later unit changes presence only if it empties
    /// the sender); the tails of both ends are then read from the context's tables once.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
        var receiverTable = context.TailsOf(receiverCell, state.IsViable(context.CellBlock[receiverCell]));
        var senderTable = context.TailsOf(senderCell, state.IsViable(context.CellBlock[senderCell]));
        state.Delta[senderCell] += 1;
        state.Delta[receiverCell] -= 1;

        // The tables hold the walker's own tails for each mean, so these are the values a walk would give.
        Span<double> receiverTails = limit <= 256 ? stackalloc double[limit] : new double[limit];
        Span<double> senderTails = limit <= 256 ? stackalloc double[limit] : new double[limit];
        receiverTable.Tails(state.Position(receiverCell) + 1, receiverTails);
        senderTable.Tails(state.Position(senderCell) - limit + 1, senderTails);
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
        var senderBlock = context.CellBlock[senderCell];
        var receiverBlock = context.CellBlock[receiverCell];
        var before = BlocksValue(state, senderBlock, receiverBlock);
        state.Delta[senderCell] -= quantity;
        state.Delta[receiverCell] += quantity;
        var after = BlocksValue(state, senderBlock, receiverBlock);
        state.Delta[senderCell] += quantity;
        state.Delta[receiverCell] -= quantity;
        return after - before;
    }

    /// <summary>The value of one or two distinct blocks, added in that order (a block value is never -0, so starting from it equals starting from 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double BlocksValue(PlanState state, int first, int second)
    {
        var value = state.BlockValue(first);
        if (second != first)
        {
            value += state.BlockValue(second);
        }

        return value;
    }

    /// <summary>
    /// Whether the receiver's style could be a viable run if it received this SKU and, for every other absent size,
    /// units a warehouse could still send with it (a pass-1 bundle). Store-to-store transfers move one SKU at a time.
    /// </summary>
    private static bool BecomesViable(PlanState state, Marginals marginals, int receiverCell, int quantity)
    {
        var context = state.Context;
        var block = context.CellBlock[receiverCell];
        var node = context.CellNode[receiverCell];
        int run = 0, longest = 0;
        for (var c = context.BlockStart[block]; c < context.BlockStart[block + 1]; c++)
        {
            var present = state.IsPresent(c) || (c == receiverCell && quantity > 0) || marginals.WarehouseCanSend(node, context.CellSku[c]);
            run = present ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        return longest >= context.BlockRunNeeded[block];
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

    private static int OnHand(PlanContext context, int cell) =>
        context.CellRow[cell] >= 0 ? context.Snapshot.Inventory.OnHand[context.CellRow[cell]] : 0;
}
