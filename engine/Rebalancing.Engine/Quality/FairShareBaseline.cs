using Rebalancing.Engine.Model;
using Rebalancing.Engine.Planning;
using Rebalancing.Engine.Policies;

namespace Rebalancing.Engine.Quality;

/// <summary>
/// The yardstick a plan is compared with: push every warehouse's movable stock of a SKU to the stores with demand
/// for it, in proportion to their demand rate (largest remainder, ties to the lower node), with no store-to-store
/// moves and no size-run logic — what a "fair share" allocation does. Its net benefit is valued exactly like a plan's.
/// </summary>
public static class FairShareBaseline
{
    /// <summary>The fair-share allocation's net benefit.</summary>
    /// <param name="snapshot">A validated snapshot.</param>
    /// <param name="policy">The policy (prices freight and the value model).</param>
    /// <returns>Net benefit in currency units.</returns>
    public static double NetBenefit(Snapshot snapshot, Policy policy)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(policy);
        var context = new PlanContext(snapshot, policy);
        var state = new PlanState(context);
        var initial = new PlanState(context);
        for (var sku = 0; sku < snapshot.Products.Length; sku++)
        {
            var cells = context.CellsOfSku(sku);
            var receivers = new List<int>();
            var senders = new List<int>();
            foreach (var c in cells)
            {
                var node = snapshot.Nodes[context.CellNode[c]];
                if (node.Type == NodeType.Warehouse && node.ShipEnabled && context.CellMovable[c] > 0)
                {
                    senders.Add(c);
                }
                else if (node.IsStore && node.ReceiveEnabled && context.CellRate[c] > 0)
                {
                    receivers.Add(c);
                }
            }

            var supply = senders.Sum(c => context.CellMovable[c]);
            if (supply == 0 || receivers.Count == 0)
            {
                continue;
            }

            var totalRate = receivers.Sum(c => context.CellRate[c]);
            var shares = receivers.Select(c => supply * context.CellRate[c] / totalRate).ToArray();
            var units = shares.Select(s => (int)Math.Floor(s)).ToArray();
            var left = supply - units.Sum();
            foreach (var i in Enumerable.Range(0, receivers.Count).OrderByDescending(i => shares[i] - units[i]).ThenBy(i => i).Take(left))
            {
                units[i]++;
            }

            var sender = 0;
            var senderLeft = context.CellMovable[senders[0]];
            for (var i = 0; i < receivers.Count; i++)
            {
                var need = units[i];
                while (need > 0)
                {
                    var take = Math.Min(need, senderLeft);
                    state.Apply(1, senders[sender], receivers[i], take);
                    need -= take;
                    senderLeft -= take;
                    if (senderLeft == 0 && ++sender < senders.Count)
                    {
                        senderLeft = context.CellMovable[senders[sender]];
                    }
                }
            }
        }

        var gain = 0.0;
        for (var b = 0; b < context.BlockCount; b++)
        {
            gain += state.BlockValue(b) - initial.BlockValue(b);
        }

        return gain - state.Freight();
    }
}
