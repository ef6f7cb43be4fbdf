using System.Runtime.CompilerServices;
using Rebalancing.Engine.Passes.StoreTransfers;

namespace Rebalancing.Engine.Planning;

internal static partial class PlanAssembler
{
    /// <summary>
    /// The plan rules a planner checks on a move's own written columns: every move's <c>net_benefit</c> is above zero,
    /// and a pass-2 move between clusters has <c>gp_uplift &gt;= pass2.inter_cluster_min_uplift_ratio x
    /// freight_cost</c>. The passes decide on marginal values (a transfer's gain in the state it was applied to, a
    /// route's shipment charged to the move that opens it); the columns are the end state's attribution (a style's gain
    /// split by units, a route's shipment pro rata), which can differ. So assembly attributes, drops every move whose
    /// columns break a rule — with the moves whose own rules the drop would break (a receiver left without a viable
    /// run, a store left holding a fragment of a run that was viable, a node left above capacity) — and attributes
    /// again, until no move breaks one. Each round drops at least one move, so it ends; every step is a function of
    /// the moves and their ids alone, so the plan is the same however the passes ran.
    /// </summary>
    /// <remarks>
    /// Incremental: a drop changes the unit changes of two cells, so only the blocks, styles, routes and nodes of the
    /// dropped moves are looked at again; a round costs the attribution of the live moves and their rounding.
    /// </remarks>
    internal sealed class ColumnRules
    {
        private readonly PlanContext context;
        private readonly List<PlannedMove> moves;
        private readonly int[] order;
        private readonly bool[] keep;
        private readonly PlanState start;
        private readonly PlanState end;

        /// <summary>Per block, the value its end state gains over its start; per block, the live moves touching it.</summary>
        private readonly double[] blockGain;
        private readonly int[] blockMoves;
        private readonly long[] styleUnits;
        private readonly int[] moveRoute;
        private readonly long[] routeUnits;
        private readonly RoutePrice[] routePrice;
        private readonly long[] load;
        private readonly int[] nodeReceives;

        /// <summary>Live moves by receiver block, sender block and receiver node (CSR: start offsets, then move indices).</summary>
        private readonly (int[] Start, int[] Moves) intoBlock;
        private readonly (int[] Start, int[] Moves) fromBlock;
        private readonly (int[] Start, int[] Moves) intoNode;

        private readonly Stack<int> blocksToCheck = new();
        private readonly Stack<int> nodesToCheck = new();
        private readonly bool[] dirtyBlock;
        private readonly List<int> dirtyBlocks = [];

        /// <param name="state">The plan's end state (read only: its unit changes are copied).</param>
        /// <param name="initial">The state before any move (read only).</param>
        /// <param name="moves">Every move of the plan.</param>
        /// <param name="order">Every move's index, in id order.</param>
        public ColumnRules(PlanState state, PlanState initial, List<PlannedMove> moves, int[] order)
        {
            context = state.Context;
            this.moves = moves;
            this.order = order;
            keep = new bool[moves.Count];
            Array.Fill(keep, true);
            start = initial;
            end = state.ReaderWithOwnDelta();
            blockGain = new double[context.BlockCount];
            blockMoves = new int[context.BlockCount];
            dirtyBlock = new bool[context.BlockCount];
            styleUnits = new long[context.Snapshot.Styles.Length];
            load = (long[])state.NodeLoad.Clone();
            nodeReceives = new int[context.Snapshot.Nodes.Length];
            moveRoute = new int[moves.Count];
            var routeIds = new Dictionary<(int, int), int>();
            var prices = new List<RoutePrice>();
            foreach (var i in order)
            {
                var m = moves[i];
                var from = context.CellNode[m.FromCell];
                var to = context.CellNode[m.ToCell];
                if (!routeIds.TryGetValue((from, to), out var route))
                {
                    route = routeIds.Count;
                    routeIds[(from, to)] = route;
                    prices.Add(state.Routes[(from, to)].Price);
                }

                moveRoute[i] = route;
                blockMoves[context.CellBlock[m.FromCell]]++;
                blockMoves[context.CellBlock[m.ToCell]]++;
                styleUnits[StyleOf(m)] += m.Quantity;
                nodeReceives[to]++;
            }

            routePrice = [.. prices];
            routeUnits = new long[prices.Count];
            foreach (var i in order)
            {
                routeUnits[moveRoute[i]] += moves[i].Quantity;
            }

            for (var block = 0; block < blockGain.Length; block++)
            {
                if (blockMoves[block] > 0)
                {
                    blockGain[block] = end.BlockValue(block) - start.BlockValue(block);
                }
            }

            intoBlock = Index(context.BlockCount, m => context.CellBlock[m.ToCell]);
            fromBlock = Index(context.BlockCount, m => context.CellBlock[m.FromCell]);
            intoNode = Index(nodeReceives.Length, m => context.CellNode[m.ToCell]);
        }

        /// <summary>Whether any move was dropped.</summary>
        public bool DroppedAny { get; private set; }

        /// <summary>Attributes and drops until no live move breaks a rule.</summary>
        /// <returns>The live moves in id order, with their written gain and freight in cents.</returns>
        public Attribution Run()
        {
            while (true)
            {
                var attribution = Attribute();
                var broken = Violations(attribution);
                if (broken.Count == 0)
                {
                    return attribution;
                }

                foreach (var i in broken)
                {
                    DropMove(i);
                }

                Cascade();
                foreach (var block in dirtyBlocks)
                {
                    dirtyBlock[block] = false;
                    blockGain[block] = blockMoves[block] > 0 ? end.BlockValue(block) - start.BlockValue(block) : 0;
                }

                dirtyBlocks.Clear();
            }
        }

        /// <summary>The state of the live moves alone, applied in the plan's original order.</summary>
        public PlanState Rebuild()
        {
            var state = new PlanState(context);
            for (var i = 0; i < moves.Count; i++)
            {
                if (keep[i])
                {
                    var m = moves[i];
                    state.Apply(m.Pass, m.FromCell, m.ToCell, m.Quantity);
                }
            }

            return state;
        }

        /// <summary>
        /// The written columns of the live moves, in id order: each style's value gain split over its moves by units,
        /// each route's freight by units (the shipment cost pro rata), both rounded to cents so the rows add up to the
        /// totals.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private Attribution Attribute()
        {
            // Value gain per style, over the blocks the plan touches, in block order; freight in route order.
            var styleGain = new double[styleUnits.Length];
            var valueGain = 0.0;
            for (var block = 0; block < blockGain.Length; block++)
            {
                if (blockMoves[block] > 0)
                {
                    valueGain += blockGain[block];
                    styleGain[context.BlockStyle[block]] += blockGain[block];
                }
            }

            var freight = 0.0;
            for (var route = 0; route < routeUnits.Length; route++)
            {
                if (routeUnits[route] > 0)
                {
                    freight += (routeUnits[route] * routePrice[route].CostPerUnit) + routePrice[route].CostPerShipment;
                }
            }

            var live = new List<int>(order.Length);
            foreach (var i in order)
            {
                if (keep[i])
                {
                    live.Add(i);
                }
            }

            var gp = new double[live.Count];
            var fr = new double[live.Count];
            for (var k = 0; k < live.Count; k++)
            {
                var m = moves[live[k]];
                var style = StyleOf(m);
                gp[k] = styleGain[style] * m.Quantity / styleUnits[style];
                var route = moveRoute[live[k]];
                var price = routePrice[route];
                fr[k] = (m.Quantity * price.CostPerUnit) + (price.CostPerShipment * m.Quantity / routeUnits[route]);
            }

            return new Attribution([.. live], Cents.Distribute(gp, valueGain), Cents.Distribute(fr, freight));
        }

        /// <summary>Moves whose written columns break a rule.</summary>
        private List<int> Violations(Attribution attribution)
        {
            var broken = new List<int>();
            var (live, gp, freight) = attribution;
            for (var k = 0; k < live.Length; k++)
            {
                var m = moves[live[k]];
                if (gp[k] - freight[k] <= 0)
                {
                    broken.Add(live[k]);
                    continue;
                }

                var from = context.CellNode[m.FromCell];
                var to = context.CellNode[m.ToCell];
                if (m.Pass == StoreTransfersPass.Pass && context.NodeCluster[from] != context.NodeCluster[to])
                {
                    // In cents, with a margin far above the rounding of the 2-decimal text a checker parses, so a
                    // column pair that only just meets the rule in cents cannot read as breaking it.
                    var ratio = StoreTransfersPass.InterClusterRatio(context, from, to);
                    if (gp[k] - (ratio * freight[k]) < 1e-6)
                    {
                        broken.Add(live[k]);
                    }
                }
            }

            return broken;
        }

        private void DropMove(int i)
        {
            if (!keep[i])
            {
                return;
            }

            keep[i] = false;
            DroppedAny = true;
            var m = moves[i];
            end.Delta[m.FromCell] += m.Quantity;
            end.Delta[m.ToCell] -= m.Quantity;
            var from = context.CellNode[m.FromCell];
            var to = context.CellNode[m.ToCell];
            load[from] += m.Quantity;
            load[to] -= m.Quantity;
            nodeReceives[to]--;
            styleUnits[StyleOf(m)] -= m.Quantity;
            routeUnits[moveRoute[i]] -= m.Quantity;
            Touch(context.CellBlock[m.FromCell]);
            Touch(context.CellBlock[m.ToCell]);
            nodesToCheck.Push(from);
        }

        /// <summary>A block one of whose moves was dropped: its value and its runs are looked at again.</summary>
        private void Touch(int block)
        {
            blockMoves[block]--;
            if (!dirtyBlock[block])
            {
                dirtyBlock[block] = true;
                dirtyBlocks.Add(block);
            }

            blocksToCheck.Push(block);
        }

        /// <summary>
        /// Drops the moves whose own hard rules the drops so far broke, until none is: a node that sends less and ends
        /// above its capacity gives up what it received last (later moves used the room earlier ones freed); a receiver
        /// whose style is no longer a viable run gives back what it received; a store whose viable run would be left
        /// a fragment keeps what it sent (warehouses send whatever their runs become).
        /// </summary>
        private void Cascade()
        {
            while (nodesToCheck.Count > 0 || blocksToCheck.Count > 0)
            {
                while (nodesToCheck.TryPop(out var node))
                {
                    var (first, last) = (intoNode.Start[node], intoNode.Start[node + 1]);
                    for (var k = last - 1; k >= first && nodeReceives[node] > 0 && load[node] > context.NodeCapacity[node]; k--)
                    {
                        DropMove(intoNode.Moves[k]);
                    }
                }

                if (blocksToCheck.TryPop(out var block))
                {
                    if (!end.IsViable(block))
                    {
                        for (var k = intoBlock.Start[block]; k < intoBlock.Start[block + 1]; k++)
                        {
                            DropMove(intoBlock.Moves[k]);
                        }

                        if (context.NodeIsStore[context.BlockNode[block]] && start.IsViable(block) && end.HoldsAny(block))
                        {
                            for (var k = fromBlock.Start[block]; k < fromBlock.Start[block + 1]; k++)
                            {
                                DropMove(fromBlock.Moves[k]);
                            }
                        }
                    }
                }
            }
        }

        private int StyleOf(PlannedMove m) => context.Snapshot.Products[context.CellSku[m.ToCell]].StyleIndex;

        /// <summary>The moves grouped by a key, each group in the moves' original order.</summary>
        private (int[] Start, int[] Moves) Index(int keys, Func<PlannedMove, int> key)
        {
            var begin = new int[keys + 1];
            foreach (var m in moves)
            {
                begin[key(m) + 1]++;
            }

            for (var k = 0; k < keys; k++)
            {
                begin[k + 1] += begin[k];
            }

            var at = (int[])begin.Clone();
            var grouped = new int[moves.Count];
            for (var i = 0; i < moves.Count; i++)
            {
                grouped[at[key(moves[i])]++] = i;
            }

            return (begin, grouped);
        }
    }
}
