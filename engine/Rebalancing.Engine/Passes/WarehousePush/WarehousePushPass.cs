using System.Runtime.CompilerServices;
using Rebalancing.Engine.Passes.Shared;
using Rebalancing.Engine.Planning;

namespace Rebalancing.Engine.Passes.WarehousePush;

/// <summary>
/// Pass 1: push warehouse stock to stores with demand (engine-rules.md, The three passes). Size-run aware: a store
/// whose style is a fragment receives only a bundle of sizes that makes a viable run (a window of
/// <c>min_viable_run</c> adjacent sizes, every missing size at least <c>pass1.min_push_units</c>); a store with a
/// viable run receives sizes one row at a time. Units go where their marginal value per unit is highest (a greedy
/// on a priority queue, ties broken by block index, so the result is deterministic).
/// </summary>
internal static class WarehousePushPass
{
    public const int Pass = 1;

    public static PlanState Run(PlanState start) =>
        RoutePayment.PlanUntilRoutesPay(start, Pass, state => new NetworkPush(state).Run());

    /// <summary>
    /// One greedy over every style's store blocks at once. Styles share routes, and a route's cap
    /// (<c>pass2.max_route_units</c>) binds on the busiest warehouse routes: pushed style by style, the first styles in
    /// ordinal order would fill a route with pushes worth little and leave none for those that follow. Ranked together
    /// by net gain per unit, a capped route carries the units worth most per unit of its room.
    /// </summary>
    private sealed class NetworkPush(PlanState state)
    {
        private readonly PlanContext context = state.Context;
        private readonly Dictionary<int, int> sourceOf = [];
        private readonly PriorityQueue<int, (double, int)> queue = new();
        private MoveLeg[] candidate = [];
        private MoveLeg[] best = [];

        /// <summary>Each style's shipping warehouse blocks: <c>warehouses[warehouseStart[s] .. warehouseStart[s + 1] - 1]</c>.</summary>
        private int[] warehouses = [];
        private int[] warehouseStart = [];

        /// <summary>The warehouse blocks of the style being priced.</summary>
        private (int Start, int End) warehouseBlocks;

        /// <summary>The block whose action <see cref="best"/> holds from the latest <see cref="BestAction"/>, once queued.</summary>
        private int lastQueued = -1;

        /// <summary>Pushes every style's warehouse stock to its stores.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run()
        {
            var styles = context.Snapshot.Styles.Length;
            var storeBlocks = new List<int>();
            var warehouseList = new List<int>();
            warehouseStart = new int[styles + 1];
            var mostSizes = 0;
            for (var style = 0; style < styles; style++)
            {
                var firstStore = storeBlocks.Count;
                for (var i = context.StyleBlockStart[style]; i < context.StyleBlockStart[style + 1]; i++)
                {
                    var block = context.StyleBlocks[i];
                    var node = context.Snapshot.Nodes[context.BlockNode[block]];
                    if (!node.IsStore)
                    {
                        if (node.ShipEnabled)
                        {
                            warehouseList.Add(block);
                        }
                    }
                    else if (node.ReceiveEnabled && context.BlockHasDemand[block])
                    {
                        storeBlocks.Add(block);
                    }
                }

                warehouseStart[style + 1] = warehouseList.Count;
                if (warehouseStart[style + 1] == warehouseStart[style])
                {
                    storeBlocks.RemoveRange(firstStore, storeBlocks.Count - firstStore);
                }
                else
                {
                    mostSizes = Math.Max(mostSizes, context.Snapshot.StyleSkus[style].Length);
                }
            }

            warehouses = [.. warehouseList];
            candidate = new MoveLeg[mostSizes];
            best = new MoveLeg[mostSizes];

            var applied = 0;
            var appliedWhenLastQueued = -1;
            (double Gain, int Units, int Legs) lastQueuedAction = default;
            foreach (var block in storeBlocks)
            {
                var (gain, units, _) = BestAction(block);
                if (gain > 0)
                {
                    queue.Enqueue(block, (-gain / units, block));
                }
            }

            while (queue.TryDequeue(out var block, out var priority))
            {
                var (gain, units, legs) = block == lastQueued && applied == appliedWhenLastQueued ? lastQueuedAction : BestAction(block);
                if (gain <= 0)
                {
                    continue;
                }

                var key = -gain / units;
                if (key > priority.Item1 + (1e-9 * Math.Max(1, Math.Abs(key))))
                {
                    // Worth less than when it was queued (stock or route room went elsewhere): queue it at its new value.
                    queue.Enqueue(block, (key, block));
                    continue;
                }

                // The bundle's value gain (before freight) is credited to its legs' routes by units.
                var valueGain = gain;
                for (var i = 0; i < legs; i++)
                {
                    valueGain += best[i].Quantity * context.Route(context.CellNode[best[i].FromCell], context.CellNode[best[i].ToCell]).CostPerUnit;
                }

                for (var i = 0; i < legs; i++)
                {
                    var leg = best[i];
                    state.Apply(Pass, leg.FromCell, leg.ToCell, leg.Quantity, valueGain * leg.Quantity / units);
                    sourceOf[leg.ToCell] = leg.FromCell;
                }

                applied++;
                (gain, units, legs) = BestAction(block);
                if (gain > 0)
                {
                    queue.Enqueue(block, (-gain / units, block));

                    // Nothing changes until the next push: if this block comes out next, its best action is this one.
                    (lastQueued, appliedWhenLastQueued, lastQueuedAction) = (block, applied, (gain, units, legs));
                }
            }
        }

        /// <summary>The best action for a store block: (net gain, units, legs in <see cref="best"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private (double Gain, int Units, int Legs) BestAction(int block)
        {
            lastQueued = -1;
            var style = context.BlockStyle[block];
            warehouseBlocks = (warehouseStart[style], warehouseStart[style + 1]);
            var start = context.BlockStart[block];
            var end = context.BlockStart[block + 1];
            var viable = state.IsViableAsApplied(block);
            var before = viable ? 0.0 : state.BlockValue(block);
            double bestGain = 0, bestPerUnit = 0;
            int bestUnits = 0, bestLegs = 0;

            void Consider(int legs)
            {
                var (gain, units) = viable ? EvaluateWithinViableRun(legs) : Evaluate(block, before, legs);
                if (units > 0 && gain > 0 && gain / units > bestPerUnit + 1e-12)
                {
                    bestGain = gain;
                    bestPerUnit = gain / units;
                    bestUnits = units;
                    bestLegs = legs;
                    candidate.AsSpan(0, legs).CopyTo(best);
                }
            }

            if (viable)
            {
                for (var c = start; c < end; c++)
                {
                    if (context.CellMeanViable[c] > 0 && TryLeg(c, out candidate[0]))
                    {
                        Consider(1);
                    }
                }
            }
            else
            {
                var window = context.BlockRunNeeded[block];
                for (var first = start; first + window <= end; first++)
                {
                    var legs = 0;
                    var feasible = true;
                    for (var c = first; c < first + window && feasible; c++)
                    {
                        if (!state.IsPresent(c))
                        {
                            feasible = TryLeg(c, out candidate[legs]);
                            legs++;
                        }
                    }

                    if (feasible && legs > 0 && FitsCapacityAndRouteCaps(block, legs))
                    {
                        Consider(legs);
                    }
                }
            }

            return (bestGain, bestUnits, bestLegs);
        }

        private bool FitsCapacityAndRouteCaps(int block, int legs)
        {
            long units = 0;
            for (var i = 0; i < legs; i++)
            {
                units += candidate[i].Quantity;
            }

            if (units > state.FreeCapacity(context.BlockNode[block]))
            {
                return false;
            }

            // Each leg was checked against its route's room alone; legs from one warehouse share the route.
            var store = context.BlockNode[block];
            for (var i = 0; i < legs; i++)
            {
                var warehouse = context.CellNode[candidate[i].FromCell];
                long onRoute = 0;
                for (var j = 0; j < legs; j++)
                {
                    onRoute += context.CellNode[candidate[j].FromCell] == warehouse ? candidate[j].Quantity : 0;
                }

                if (onRoute > state.RouteRoomLeft(warehouse, store))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>The next push to a store cell: one more unit on its row, or a new row of the minimum push.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private bool TryLeg(int cell, out MoveLeg leg)
        {
            leg = default;
            var store = context.CellNode[cell];
            var sku = context.CellSku[cell];
            if (state.Role[cell] == CellRole.Sender || context.CellSentRecently[cell])
            {
                return false;
            }

            var receiverPolicy = context.PolicyOf(cell);
            if (sourceOf.TryGetValue(cell, out var source))
            {
                var row = state.FindMove(Pass, source, cell)!;
                var max = Math.Min(receiverPolicy.MaxPushUnits, context.PolicyOf(source).MaxPushUnits);
                if (row.Quantity + 1 > max || !CanSend(source, store, 1) || state.ChangeCapLeft[sku] < 1 || state.FreeCapacity(store) < 1)
                {
                    return false;
                }

                leg = new MoveLeg { FromCell = source, ToCell = cell, Quantity = 1 };
                return true;
            }

            var bestCost = double.MaxValue;
            for (var w = warehouseBlocks.Start; w < warehouseBlocks.End; w++)
            {
                var warehouseCell = FindSku(warehouses[w], sku);
                if (warehouseCell < 0)
                {
                    continue;
                }

                var senderPolicy = context.PolicyOf(warehouseCell);
                var quantity = Math.Max(receiverPolicy.MinPushUnits, senderPolicy.MinPushUnits);
                quantity = Math.Max(quantity, 1);
                if (quantity > Math.Min(receiverPolicy.MaxPushUnits, senderPolicy.MaxPushUnits)
                    || !CanSend(warehouseCell, store, quantity)
                    || state.ChangeCapLeft[sku] < quantity
                    || state.FreeCapacity(store) < quantity)
                {
                    continue;
                }

                var cost = context.Route(context.CellNode[warehouseCell], store).CostPerUnit;
                if (cost < bestCost)
                {
                    bestCost = cost;
                    leg = new MoveLeg { FromCell = warehouseCell, ToCell = cell, Quantity = quantity };
                }
            }

            return bestCost < double.MaxValue;
        }

        private bool CanSend(int warehouseCell, int store, int quantity)
        {
            var warehouse = context.CellNode[warehouseCell];
            return state.Available(warehouseCell) >= quantity
                && !context.CellReceivedRecently[warehouseCell]
                && !state.IsBanned(warehouse, store)
                && state.RouteRoomLeft(warehouse, store) >= quantity;
        }

        private int FindSku(int block, int sku)
        {
            for (var c = context.BlockStart[block]; c < context.BlockStart[block + 1]; c++)
            {
                if (context.CellSku[c] == sku)
                {
                    return c;
                }
            }

            return -1;
        }

        /// <summary>
        /// Net gain of legs into a store whose run is already viable: adding units cannot change any run, so only the
        /// receiving cells and the warehouses change value (exactly the block revaluation, without revaluing it).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private (double Gain, int Units) EvaluateWithinViableRun(int legs)
        {
            var gain = 0.0;
            var units = 0;
            for (var i = 0; i < legs; i++)
            {
                var leg = candidate[i];
                var from = state.Position(leg.FromCell);
                var to = state.Position(leg.ToCell);
                gain += context.CellValue(leg.FromCell, from - leg.Quantity, viable: false) - context.CellValue(leg.FromCell, from, viable: false);
                gain += context.CellValue(leg.ToCell, to + leg.Quantity, viable: true) - context.CellValue(leg.ToCell, to, viable: true);
                gain -= leg.Quantity * context.Route(context.CellNode[leg.FromCell], context.CellNode[leg.ToCell]).CostPerUnit;
                units += leg.Quantity;
            }

            return (gain, units);
        }

        /// <summary>Net gain of the candidate legs: value change at the store and the warehouses, less per-unit freight.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private (double Gain, int Units) Evaluate(int block, double before, int legs)
        {
            var gain = 0.0;
            var units = 0;
            for (var i = 0; i < legs; i++)
            {
                var leg = candidate[i];
                var position = state.Position(leg.FromCell);
                gain += context.CellValue(leg.FromCell, position - leg.Quantity, viable: false) - context.CellValue(leg.FromCell, position, viable: false);
                gain -= leg.Quantity * context.Route(context.CellNode[leg.FromCell], context.CellNode[leg.ToCell]).CostPerUnit;
                state.Delta[leg.ToCell] += leg.Quantity;
                units += leg.Quantity;
            }

            var after = state.BlockValue(block);
            for (var i = 0; i < legs; i++)
            {
                state.Delta[candidate[i].ToCell] -= candidate[i].Quantity;
            }

            return (gain + after - before, units);
        }
    }
}
