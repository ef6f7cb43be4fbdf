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
    /// run, a sender left holding a fragment of a run that was viable, a node left above capacity) — and attributes
    /// again, until no move breaks one. Each round drops at least one move, so it ends; every step is a function of
    /// the moves and their ids alone, so the plan is the same however the passes ran.
    /// </summary>
    internal static class ColumnRules
    {
        /// <summary>Moves (indices into <paramref name="moves"/>) whose written columns break a rule, in id order.</summary>
        public static List<int> Violations(PlanContext context, List<PlannedMove> moves, Attribution attribution)
        {
            var broken = new List<int>();
            var (order, gp, freight) = attribution;
            for (var i = 0; i < order.Length; i++)
            {
                var m = moves[order[i]];
                if (gp[i] - freight[i] <= 0)
                {
                    broken.Add(order[i]);
                    continue;
                }

                var from = context.CellNode[m.FromCell];
                var to = context.CellNode[m.ToCell];
                if (m.Pass == StoreTransfersPass.Pass && context.NodeCluster[from] != context.NodeCluster[to])
                {
                    // In cents, with a margin far above the rounding of the 2-decimal text a checker parses, so a
                    // column pair that only just meets the rule in cents cannot read as breaking it.
                    var ratio = StoreTransfersPass.InterClusterRatio(context, from, to);
                    if (gp[i] - (ratio * freight[i]) < 1e-6)
                    {
                        broken.Add(order[i]);
                    }
                }
            }

            return broken;
        }

        /// <summary>
        /// The live moves without <paramref name="broken"/> and without every move whose hard rule their absence would
        /// break, repeated until the rest keep them all.
        /// </summary>
        /// <param name="state">The state of the live moves (read only: its unit changes are copied).</param>
        /// <param name="moves">Every move of the plan.</param>
        /// <param name="live">The moves still in the plan, in their original order.</param>
        /// <param name="broken">The moves to drop.</param>
        public static int[] Drop(PlanState state, List<PlannedMove> moves, int[] live, List<int> broken)
        {
            var context = state.Context;
            var keep = new bool[moves.Count];
            foreach (var i in live)
            {
                keep[i] = true;
            }

            foreach (var i in broken)
            {
                keep[i] = false;
            }

            var start = new PlanState(context);
            var end = state.ReaderWithOwnDelta();
            var load = new long[context.Snapshot.Nodes.Length];
            var receives = new bool[load.Length];
            while (true)
            {
                Array.Clear(end.Delta);
                Array.Copy(context.InitialNodeLoad, load, load.Length);
                Array.Clear(receives);
                foreach (var i in live)
                {
                    if (keep[i])
                    {
                        var m = moves[i];
                        end.Delta[m.FromCell] -= m.Quantity;
                        end.Delta[m.ToCell] += m.Quantity;
                        load[context.CellNode[m.FromCell]] -= m.Quantity;
                        load[context.CellNode[m.ToCell]] += m.Quantity;
                        receives[context.CellNode[m.ToCell]] = true;
                    }
                }

                // A node that sends less may end above its capacity: it gives up what it received last (later moves
                // used the room earlier ones freed) until it fits.
                var dropped = false;
                for (var at = live.Length - 1; at >= 0; at--)
                {
                    var m = moves[live[at]];
                    var to = context.CellNode[m.ToCell];
                    if (keep[live[at]] && receives[to] && load[to] > context.NodeCapacity[to])
                    {
                        keep[live[at]] = false;
                        load[to] -= m.Quantity;
                        load[context.CellNode[m.FromCell]] += m.Quantity;
                        dropped = true;
                    }
                }

                if (dropped)
                {
                    continue;
                }

                // A receiver whose style is no longer a viable run gives back what it received; a store whose viable
                // run would be left a fragment keeps what it sent (warehouses send whatever their runs become).
                foreach (var i in live)
                {
                    var m = moves[i];
                    if (keep[i])
                    {
                        var senderBlock = context.CellBlock[m.FromCell];
                        if (!end.IsViable(context.CellBlock[m.ToCell])
                            || (context.NodeIsStore[context.CellNode[m.FromCell]] && start.IsViable(senderBlock) && !end.IsViable(senderBlock) && end.HoldsAny(senderBlock)))
                        {
                            keep[i] = false;
                            dropped = true;
                        }
                    }
                }

                if (!dropped)
                {
                    break;
                }
            }

            return [.. live.Where(i => keep[i])];
        }

        /// <summary>The state of the live moves alone, applied in their original order.</summary>
        public static PlanState Rebuild(PlanContext context, List<PlannedMove> moves, int[] live)
        {
            var state = new PlanState(context);
            foreach (var i in live)
            {
                var m = moves[i];
                state.Apply(m.Pass, m.FromCell, m.ToCell, m.Quantity);
            }

            return state;
        }
    }
}
