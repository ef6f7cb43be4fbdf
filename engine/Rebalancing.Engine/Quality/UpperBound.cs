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
                // Valued at the same mean, both terms are the same double and their difference an exact +0, which
                // leaves the sum unchanged: only the cells whose demand the bound raises need the two walks.
                var mean = viable ? context.CellMeanViable[c] : context.CellMeanFragment[c];
                if (boundMean[c] == mean)
                {
                    continue;
                }

                var x = context.CellPosition[c];
                bound += PositionValue.Of(x, context.CellPrice[c], context.CellMarkdown[c], boundMean[c]) - context.CellValue(c, x, viable);
            }
        }

        var inbound = InboundBySenderCost(context, out var costPerUnit);
        var pool = new Pool(context, boundMean, inbound, costPerUnit);
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
    /// The queues see exactly the enqueues, dequeues and priorities a fresh pair of queues of units would, so ties
    /// resolve the same way and the sum is bit-identical; each queue holds a cell at most once, so it holds the
    /// cell's slot and the unit's state lives in arrays. A receiver's gains are read from a <see cref="TailCursor"/>
    /// as its position rises; a sender's losses, whose ranks fall, from the tails of its movable window walked once.
    /// </remarks>
    private sealed class Pool(PlanContext context, double[] boundMean, int[][] inbound, double[] costPerUnit)
    {
        private readonly PriorityQueue<int, double> senders = new();
        private readonly PriorityQueue<int, double> receivers = new();
        private readonly bool[] isSender = new bool[context.Snapshot.Nodes.Length];
        private int[] cell = new int[16];
        private int[] position = new int[16];
        private int[] left = new int[16];
        private double[] inboundCost = new double[16];
        private TailCursor[] cursor = new TailCursor[16];
        private int[] windowLow = new int[16];
        private int[] windowStart = new int[16];
        private int[] windowCount = new int[16];
        private double[] windowTails = new double[64];
        private int slots;
        private int windowUsed;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public double Gain(int sku)
        {
            var cells = context.CellsOfSku(sku);
            var eol = context.Snapshot.Products[sku].Lifecycle == Lifecycle.Eol;
            senders.Clear();
            receivers.Clear();
            slots = 0;
            windowUsed = 0;
            var anyWarehouse = false;
            foreach (var c in cells)
            {
                if (IsSource(context, c))
                {
                    var slot = AddSender(c);
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
                        cheapest = costPerUnit[(from * nodeCount) + node];
                        break;
                    }
                }

                if (cheapest < double.MaxValue)
                {
                    var slot = AddReceiver(c, cheapest);
                    receivers.Enqueue(slot, -ReceiverGain(slot));
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
                position[sender]--;
                left[sender]--;
                if (left[sender] > 0)
                {
                    senders.Enqueue(sender, SenderLoss(sender));
                }

                position[receiver]++;
                receivers.Enqueue(receiver, -ReceiverGain(receiver));
            }

            return gain;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private int AddSender(int c)
        {
            var slot = AddSlot(c, context.CellPosition[c], context.CellMovable[c], -1);

            // The sender gives up ranks position, position - 1, ... down to position - movable + 1; ranks below 1
            // are worth nothing, and ranks past the walk's first zero have a zero tail.
            var walk = new TailCursor(boundMean[c]);
            var low = Math.Max(1, position[slot] - left[slot] + 1);
            windowLow[slot] = low;
            windowStart[slot] = windowUsed;
            for (var k = low; k <= position[slot]; k++)
            {
                var tail = walk.TailAt(k);
                if (tail == 0)
                {
                    break;
                }

                if (windowUsed == windowTails.Length)
                {
                    Array.Resize(ref windowTails, windowTails.Length * 2);
                }

                windowTails[windowUsed++] = tail;
            }

            windowCount[slot] = windowUsed - windowStart[slot];
            return slot;
        }

        private int AddReceiver(int c, double cheapestInbound)
        {
            var slot = AddSlot(c, context.CellPosition[c], int.MaxValue, cheapestInbound);
            cursor[slot] = new TailCursor(boundMean[c]);
            return slot;
        }

        private int AddSlot(int c, int unitPosition, int unitsLeft, double cost)
        {
            if (slots == cell.Length)
            {
                var size = slots * 2;
                Array.Resize(ref cell, size);
                Array.Resize(ref position, size);
                Array.Resize(ref left, size);
                Array.Resize(ref inboundCost, size);
                Array.Resize(ref cursor, size);
                Array.Resize(ref windowLow, size);
                Array.Resize(ref windowStart, size);
                Array.Resize(ref windowCount, size);
            }

            var slot = slots++;
            cell[slot] = c;
            position[slot] = unitPosition;
            left[slot] = unitsLeft;
            inboundCost[slot] = cost;
            return slot;
        }

        /// <summary>Value lost with the sender's next unit: its markdown value plus the full-price sale it might have made.</summary>
        private double SenderLoss(int slot)
        {
            var k = position[slot];
            if (k <= 0)
            {
                return 0;
            }

            var index = k - windowLow[slot];
            var tail = index < windowCount[slot] ? windowTails[windowStart[slot] + index] : 0.0;
            return UnitValue(cell[slot], tail);
        }

        /// <summary>Value gained with the receiver's next unit, less its cheapest inbound freight.</summary>
        private double ReceiverGain(int slot)
        {
            var k = position[slot] + 1;
            var value = k <= 0 ? 0 : UnitValue(cell[slot], cursor[slot].TailAt(k));
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
}
