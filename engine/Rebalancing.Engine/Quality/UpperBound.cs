using System.Runtime.CompilerServices;
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
    // Hot loops are compiled optimised at first call: a command-line run assembles once, and tier-0 code would
    // run most of it.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Compute(PlanContext context)
    {
        var state = new PlanState(context);
        var sources = new SkuSources(context);
        var canBeViable = new bool[context.BlockCount];
        for (var b = 0; b < context.BlockCount; b++)
        {
            canBeViable[b] = context.IsStore(context.BlockNode[b]) && CouldBeViable(state, sources, b);
        }

        // The constant part: the start valued at the bound's demand, less the start valued as it is.
        var bound = 0.0;
        for (var b = 0; b < context.BlockCount; b++)
        {
            var viable = state.IsViable(b);
            for (var c = context.BlockStart[b]; c < context.BlockStart[b + 1]; c++)
            {
                // Valued at the same mean, both terms are the same double and their difference an exact +0, which
                // leaves the sum unchanged: only the cells whose demand the bound raises need valuing twice.
                var mean = viable ? context.CellMeanViable[c] : context.CellMeanFragment[c];
                var boundViable = canBeViable[b];
                var boundMean = boundViable ? context.CellMeanViable[c] : context.CellMeanFragment[c];
                if (boundMean == mean)
                {
                    continue;
                }

                var x = context.CellPosition[c];
                bound += context.CellValue(c, x, boundViable) - context.CellValue(c, x, viable);
            }
        }

        var inbound = InboundBySenderCost(context, out var costPerUnit);
        var pool = new Pool(context, canBeViable, inbound, costPerUnit);
        for (var sku = 0; sku < context.Snapshot.Products.Length; sku++)
        {
            bound += pool.Gain(sku);
        }

        return bound;
    }

    /// <summary>Whether some plan could make the block a viable run: every size of some window present or obtainable.</summary>
    private static bool CouldBeViable(PlanState state, SkuSources sources, int block)
    {
        var context = state.Context;
        var node = context.BlockNode[block];
        var receives = context.Snapshot.Nodes[node].ReceiveEnabled;
        int run = 0, longest = 0;
        for (var c = context.BlockStart[block]; c < context.BlockStart[block + 1]; c++)
        {
            var present = state.IsPresent(c) || (receives && sources.ObtainableAt(node, context.CellSku[c]));
            run = present ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        return longest >= context.BlockRunNeeded[block];
    }

    /// <summary>
    /// For each node, every other node that can ship, cheapest per-unit route to it first (ties by node); and the
    /// per-unit cost of every route, <c>costPerUnit[from * nodes + to]</c>.
    /// </summary>
    private static int[][] InboundBySenderCost(PlanContext context, out double[] costPerUnit)
    {
        var nodes = context.Snapshot.Nodes;
        var n = nodes.Length;
        costPerUnit = new double[n * n];
        for (var from = 0; from < n; from++)
        {
            if (!nodes[from].ShipEnabled)
            {
                continue;
            }

            for (var to = 0; to < n; to++)
            {
                if (to != from)
                {
                    costPerUnit[(from * n) + to] = context.Route(from, to).CostPerUnit;
                }
            }
        }

        var inbound = new int[n][];
        var costs = costPerUnit;
        for (var to = 0; to < n; to++)
        {
            var senders = new List<int>(n);
            for (var from = 0; from < n; from++)
            {
                if (from != to && nodes[from].ShipEnabled)
                {
                    senders.Add(from);
                }
            }

            // The same order as a stable sort by cost (double.CompareTo, NaN first), then by node.
            var target = to;
            senders.Sort((a, b) =>
            {
                var byCost = costs[(a * n) + target].CompareTo(costs[(b * n) + target]);
                return byCost != 0 ? byCost : a.CompareTo(b);
            });
            inbound[to] = [.. senders];
        }

        return inbound;
    }

    /// <summary>
    /// Per SKU, the nodes that hold movable units some plan may send: how many, and the first of them, which is
    /// all it takes to answer "obtainable from another node" in O(1).
    /// </summary>
    private sealed class SkuSources
    {
        private readonly int[] count;
        private readonly int[] firstNode;

        public SkuSources(PlanContext context)
        {
            var skuCount = context.Snapshot.Products.Length;
            count = new int[skuCount];
            firstNode = new int[skuCount];
            for (var sku = 0; sku < skuCount; sku++)
            {
                foreach (var c in context.CellsOfSku(sku))
                {
                    if (IsSource(context, c))
                    {
                        if (count[sku] == 0)
                        {
                            firstNode[sku] = context.CellNode[c];
                        }

                        count[sku]++;
                    }
                }
            }
        }

        /// <summary>Whether a node other than <paramref name="node"/> can send the SKU (a SKU has one cell per node).</summary>
        public bool ObtainableAt(int node, int sku) => count[sku] > 1 || (count[sku] == 1 && firstNode[sku] != node);
    }

    /// <summary>Whether the cell may send in some plan: its node ships, it has movable units, and eol stock leaves only warehouses.</summary>
    private static bool IsSource(PlanContext context, int cell)
    {
        var info = context.Snapshot.Nodes[context.CellNode[cell]];
        var eol = context.Snapshot.Products[context.CellSku[cell]].Lifecycle == Lifecycle.Eol;
        return info.ShipEnabled && context.CellMovable[cell] > 0 && (!eol || !info.IsStore);
    }

    /// <summary>
    /// The relaxation's best gain for one SKU at a time: a greedy merge of sender losses and receiver gains. Buffers
    /// and queues are reused across SKUs.
    /// </summary>
    /// <remarks>
    /// Each queue holds a cell at most once, so it holds the cell's slot and the unit's state lives in arrays. A
    /// sender's losses only rise as it gives up units and a receiver's gains only fall as it takes them, so the queues
    /// hand out the losses in ascending and the gains in descending order whatever the heap's shape or tie order: the
    /// sum adds the same terms in the same order as any other queue would. Tails are read from the context's
    /// sell-through tables, which hold exactly the values a walk of the same mean gives.
    /// </remarks>
    private sealed class Pool(PlanContext context, bool[] canBeViable, int[][] inbound, double[] costPerUnit)
    {
        private readonly SlotHeap senders = new();
        private readonly SlotHeap receivers = new();
        private readonly bool[] isSender = new bool[context.Snapshot.Nodes.Length];
        private int[] cell = new int[16];
        private int[] position = new int[16];
        private int[] left = new int[16];
        private double[] inboundCost = new double[16];
        private TailTable[] tails = new TailTable[16];
        private int slots;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public double Gain(int sku)
        {
            var cells = context.CellsOfSku(sku);
            var eol = context.Snapshot.Products[sku].Lifecycle == Lifecycle.Eol;
            senders.Clear();
            receivers.Clear();
            slots = 0;
            var anyWarehouse = false;
            foreach (var c in cells)
            {
                if (IsSource(context, c))
                {
                    var slot = AddSlot(c, context.CellMovable[c], 0);
                    senders.Enqueue(slot, SenderLoss(slot));
                    anyWarehouse |= !context.IsStore(context.CellNode[c]);
                    isSender[context.CellNode[c]] = true;
                }
            }

            if (senders.Count == 0)
            {
                return 0;
            }

            try
            {
                return Match(cells, eol, anyWarehouse);
            }
            finally
            {
                foreach (var c in cells)
                {
                    isSender[context.CellNode[c]] = false;
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private double Match(ReadOnlySpan<int> cells, bool eol, bool anyWarehouse)
        {
            var nodeCount = isSender.Length;
            foreach (var c in cells)
            {
                var node = context.CellNode[c];
                var info = context.Snapshot.Nodes[node];
                if (!info.IsStore || !info.ReceiveEnabled || BoundMean(c) <= 0 || (eol && !anyWarehouse))
                {
                    continue;
                }

                // The receiver's cheapest inbound route from a node that holds movable units of the SKU.
                var cheapest = double.MaxValue;
                foreach (var from in inbound[node])
                {
                    if (isSender[from])
                    {
                        cheapest = costPerUnit[(from * nodeCount) + node];
                        break;
                    }
                }

                if (cheapest < double.MaxValue)
                {
                    var slot = AddSlot(c, int.MaxValue, cheapest);
                    receivers.Enqueue(slot, -ReceiverGain(slot));
                }
            }

            // Each step matches the cheapest sender unit with the best receiver unit; a slot with units left takes
            // its next unit's value in place at the top of its heap (one sift instead of a removal and an insertion).
            var gain = 0.0;
            while (senders.Count > 0 && receivers.Count > 0)
            {
                var (loss, sender) = senders.Top;
                var (negativeGain, receiver) = receivers.Top;
                var unitGain = -negativeGain - loss;
                if (unitGain <= 0)
                {
                    break;
                }

                gain += unitGain;
                position[sender]--;
                left[sender]--;
                if (left[sender] > 0)
                {
                    senders.ReplaceTop(SenderLoss(sender));
                }
                else
                {
                    senders.RemoveTop();
                }

                position[receiver]++;
                receivers.ReplaceTop(-ReceiverGain(receiver));
            }

            return gain;
        }

        /// <summary>The mean the bound values the cell at: full demand where some plan could make its style viable.</summary>
        private double BoundMean(int c) => canBeViable[context.CellBlock[c]] ? context.CellMeanViable[c] : context.CellMeanFragment[c];

        private int AddSlot(int c, int unitsLeft, double cost)
        {
            if (slots == cell.Length)
            {
                var size = slots * 2;
                Array.Resize(ref cell, size);
                Array.Resize(ref position, size);
                Array.Resize(ref left, size);
                Array.Resize(ref inboundCost, size);
                Array.Resize(ref tails, size);
            }

            var slot = slots++;
            cell[slot] = c;
            position[slot] = context.CellPosition[c];
            left[slot] = unitsLeft;
            inboundCost[slot] = cost;
            tails[slot] = context.TailsOf(c, canBeViable[context.CellBlock[c]]);
            return slot;
        }

        /// <summary>Value lost with the sender's next unit: its markdown value plus the full-price sale it might have made.</summary>
        private double SenderLoss(int slot)
        {
            var k = position[slot];
            return k <= 0 ? 0 : UnitValue(cell[slot], tails[slot].Tail(k));
        }

        /// <summary>Value gained with the receiver's next unit, less its cheapest inbound freight.</summary>
        private double ReceiverGain(int slot)
        {
            var k = position[slot] + 1;
            var value = k <= 0 ? 0 : UnitValue(cell[slot], tails[slot].Tail(k));
            return value - inboundCost[slot];
        }

        /// <summary><c>V(k) - V(k - 1) = P (1 - m) + m P p(k)</c> for k &gt;= 1, given <c>p(k)</c>.</summary>
        private double UnitValue(int c, double tail)
        {
            var price = context.CellPrice[c];
            var markdown = context.CellMarkdown[c];
            return (price * (1 - markdown)) + (markdown * price * tail);
        }
    }

    /// <summary>
    /// A min-heap of slots by priority, compared with <see cref="double.CompareTo(double)"/> as
    /// <see cref="PriorityQueue{TElement, TPriority}"/>'s default comparer does, without its generic comparer calls.
    /// </summary>
    private sealed class SlotHeap
    {
        private (double Priority, int Slot)[] heap = new (double, int)[16];

        public int Count { get; private set; }

        public void Clear() => Count = 0;

        public void Enqueue(int slot, double priority)
        {
            if (Count == heap.Length)
            {
                Array.Resize(ref heap, heap.Length * 2);
            }

            var i = Count++;
            while (i > 0)
            {
                var parent = (i - 1) >> 1;
                if (priority.CompareTo(heap[parent].Priority) >= 0)
                {
                    break;
                }

                heap[i] = heap[parent];
                i = parent;
            }

            heap[i] = (priority, slot);
        }

        /// <summary>The slot with the smallest priority, and that priority (the heap must not be empty).</summary>
        public (double Priority, int Slot) Top => heap[0];

        /// <summary>Gives the top slot a new priority, no smaller than its old one, and restores the order.</summary>
        public void ReplaceTop(double priority) => SiftDown((priority, heap[0].Slot));

        /// <summary>Removes the top slot.</summary>
        public void RemoveTop()
        {
            var last = heap[--Count];
            if (Count > 0)
            {
                SiftDown(last);
            }
        }

        private void SiftDown((double Priority, int Slot) entry)
        {
            var i = 0;
            while (true)
            {
                var child = (2 * i) + 1;
                if (child >= Count)
                {
                    break;
                }

                if (child + 1 < Count && heap[child + 1].Priority.CompareTo(heap[child].Priority) < 0)
                {
                    child++;
                }

                if (heap[child].Priority.CompareTo(entry.Priority) >= 0)
                {
                    break;
                }

                heap[i] = heap[child];
                i = child;
            }

            heap[i] = entry;
        }
    }
}
