using System.Runtime.CompilerServices;
using Rebalancing.Engine.Model;
using Rebalancing.Engine.Passes.Shared;
using Rebalancing.Engine.Planning;

namespace Rebalancing.Engine.Passes.Consolidation;

/// <summary>
/// Pass 3: sweep and consolidate (engine-rules.md). Within each cluster, the fragments of a style (stores holding
/// some of it that is not a viable run) are gathered into the one store where the gathered sizes make a viable run
/// and sell best — trying every store of the cluster that stocks the style as the target, every window of
/// <c>min_viable_run</c> adjacent sizes, and two ways of gathering (only the missing sizes, or sweeping each sending
/// fragment empty) — when the exact value gain beats the freight, shipment costs included. Repeated while a
/// profitable consolidation remains. Minimum and maximum quantities do not apply; every other rule does.
/// </summary>
internal static class ConsolidationPass
{
    public const int Pass = 3;

    public static PlanState Run(PlanState state)
    {
        var context = state.Context;
        for (var cluster = 0; cluster < context.Snapshot.Clusters.Length; cluster++)
        {
            for (var style = 0; style < context.Snapshot.Styles.Length; style++)
            {
                new StyleSweep(state, cluster, style).Run();
            }
        }

        return state;
    }

    private sealed class StyleSweep
    {
        private readonly PlanState state;
        private readonly PlanContext context;
        private readonly List<int> blocks = [];
        private readonly List<MoveLeg> legs = [];
        private readonly List<MoveLeg> bestLegs = [];

        public StyleSweep(PlanState state, int cluster, int style)
        {
            this.state = state;
            context = state.Context;
            for (var i = context.StyleBlockStart[style]; i < context.StyleBlockStart[style + 1]; i++)
            {
                var block = context.StyleBlocks[i];
                var node = context.Snapshot.Nodes[context.BlockNode[block]];
                if (node.IsStore && node.ClusterIndex == cluster && context.PolicyOf(context.BlockStart[block]).Pass3Enabled)
                {
                    blocks.Add(block);
                }
            }
        }

        public void Run()
        {
            if (blocks.Count < 2)
            {
                return;
            }

            while (FindBest() > 0)
            {
                foreach (var leg in bestLegs)
                {
                    state.Apply(Pass, leg.FromCell, leg.ToCell, leg.Quantity);
                }
            }
        }

        private bool IsFragment(int block) => !state.IsViable(block) && state.HoldsAny(block);

        /// <summary>Finds the most profitable consolidation; returns its net gain (0 when none pays).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private double FindBest()
        {
            var bestGain = 0.0;
            bestLegs.Clear();
            var fragments = blocks.Where(IsFragment).ToList();
            if (fragments.Count == 0)
            {
                return 0;
            }

            foreach (var target in blocks)
            {
                if (state.IsViable(target) || !context.Snapshot.Nodes[context.BlockNode[target]].ReceiveEnabled)
                {
                    continue;
                }

                var sizes = context.BlockStart[target + 1] - context.BlockStart[target];
                var window = context.BlockRunNeeded[target];
                for (var first = 0; first + window <= sizes; first++)
                {
                    foreach (var sweep in new[] { false, true })
                    {
                        if (!Gather(target, first, window, fragments, sweep))
                        {
                            continue;
                        }

                        var gain = Evaluate(target);
                        if (gain > bestGain + 1e-9)
                        {
                            bestGain = gain;
                            bestLegs.Clear();
                            bestLegs.AddRange(legs);
                        }
                    }
                }
            }

            return bestGain;
        }

        /// <summary>
        /// Builds legs bringing every missing size of the window to the target from fragment holders (the holder with
        /// most units of the size, ties to the lower node); with <paramref name="sweep"/>, every other unit of the style
        /// those holders could send comes too, emptying them.
        /// </summary>
        private bool Gather(int target, int first, int window, List<int> fragments, bool sweep)
        {
            legs.Clear();
            var targetStart = context.BlockStart[target];
            var senders = new List<int>();
            for (var offset = first; offset < first + window; offset++)
            {
                var receiver = targetStart + offset;
                if (state.IsPresent(receiver))
                {
                    continue;
                }

                if (!CanReceive(receiver))
                {
                    return false;
                }

                var bestSender = -1;
                foreach (var fragment in fragments)
                {
                    if (fragment == target)
                    {
                        continue;
                    }

                    var sender = context.BlockStart[fragment] + offset;
                    if (CanSend(sender, receiver) && (bestSender < 0 || state.Available(sender) > state.Available(bestSender)))
                    {
                        bestSender = sender;
                    }
                }

                if (bestSender < 0)
                {
                    return false;
                }

                legs.Add(new MoveLeg { FromCell = bestSender, ToCell = receiver, Quantity = state.Available(bestSender) });
                var senderBlock = context.CellBlock[bestSender];
                if (!senders.Contains(senderBlock))
                {
                    senders.Add(senderBlock);
                }
            }

            if (legs.Count == 0)
            {
                return false;
            }

            if (sweep)
            {
                foreach (var senderBlock in senders)
                {
                    for (var offset = 0; offset < context.BlockStart[senderBlock + 1] - context.BlockStart[senderBlock]; offset++)
                    {
                        var sender = context.BlockStart[senderBlock] + offset;
                        var receiver = targetStart + offset;
                        if (!legs.Exists(l => l.FromCell == sender) && state.Available(sender) > 0 && CanSend(sender, receiver) && CanReceive(receiver))
                        {
                            legs.Add(new MoveLeg { FromCell = sender, ToCell = receiver, Quantity = state.Available(sender) });
                        }
                    }
                }
            }

            return FitsLimits(target);
        }

        private bool FitsLimits(int target)
        {
            var units = legs.Sum(l => (long)l.Quantity);
            if (units > state.FreeCapacity(context.BlockNode[target]))
            {
                return false;
            }

            foreach (var route in legs.GroupBy(l => context.CellNode[l.FromCell]))
            {
                if (route.Sum(l => l.Quantity) > state.RouteRoomLeft(route.Key, context.BlockNode[target]))
                {
                    return false;
                }
            }

            foreach (var sku in legs.GroupBy(l => context.CellSku[l.FromCell]))
            {
                if (sku.Sum(l => l.Quantity) > state.ChangeCapLeft[sku.Key])
                {
                    return false;
                }
            }

            return true;
        }

        private bool CanSend(int sender, int receiver)
        {
            var node = context.CellNode[sender];
            var sku = context.CellSku[sender];
            return context.CellSku[receiver] == sku
                && context.Snapshot.Products[sku].Lifecycle != Lifecycle.Eol
                && context.Snapshot.Nodes[node].ShipEnabled
                && state.Available(sender) > 0
                && !context.CellReceivedRecently[sender]
                && !state.IsBanned(node, context.CellNode[receiver]);
        }

        private bool CanReceive(int receiver)
        {
            var node = context.CellNode[receiver];
            return state.Role[receiver] != CellRole.Sender
                && !context.CellSentRecently[receiver];
        }

        /// <summary>Exact net gain of the legs: every touched block revalued, less per-unit freight and new shipments.</summary>
        private double Evaluate(int target)
        {
            var touched = new List<int> { target };
            foreach (var leg in legs)
            {
                var block = context.CellBlock[leg.FromCell];
                if (!touched.Contains(block))
                {
                    touched.Add(block);
                }
            }

            var before = touched.Sum(state.BlockValue);
            foreach (var leg in legs)
            {
                state.Delta[leg.FromCell] -= leg.Quantity;
                state.Delta[leg.ToCell] += leg.Quantity;
            }

            var viable = state.IsViable(target);
            var after = touched.Sum(state.BlockValue);
            foreach (var leg in legs)
            {
                state.Delta[leg.FromCell] += leg.Quantity;
                state.Delta[leg.ToCell] -= leg.Quantity;
            }

            if (!viable)
            {
                return 0;
            }

            var freight = 0.0;
            var targetNode = context.BlockNode[target];
            foreach (var route in legs.GroupBy(l => context.CellNode[l.FromCell]))
            {
                var price = context.Route(route.Key, targetNode);
                var open = state.RouteUnits(route.Key, targetNode) > 0;
                freight += (route.Sum(l => l.Quantity) * price.CostPerUnit) + (open ? 0 : price.CostPerShipment);
            }

            return after - before - freight;
        }
    }
}
