using Rebalancing.Engine.Planning;

namespace Rebalancing.Engine.Passes.Shared;

/// <summary>
/// Fixed shipment costs: a pass plans with per-unit freight, then every route it opened must earn its shipment cost
/// with the moves it carries; a route that does not is banned and the pass is planned again without it.
/// </summary>
internal static class RoutePayment
{
    /// <summary>Runs a pass until every route it opened pays for its shipment.</summary>
    public static PlanState PlanUntilRoutesPay(PlanState start, int pass, Action<PlanState> planPass, Func<int, int, double>? requiredRatio = null)
    {
        var banned = new HashSet<(int, int)>();
        while (true)
        {
            Diag.Rounds++;
            var trial = start.Clone();
            trial.BannedRoutes.UnionWith(banned);
            planPass(trial);
            var unpaid = UnpaidRoutes(start, trial, pass, requiredRatio ?? ((_, _) => 1.0));
            if (unpaid.Count == 0)
            {
                return trial;
            }

            banned.UnionWith(unpaid);
        }
    }

    /// <summary>Routes whose moves in this pass gain no more than the freight they add (or less than the required multiple of it).</summary>
    private static List<(int From, int To)> UnpaidRoutes(PlanState before, PlanState after, int pass, Func<int, int, double> requiredRatio)
    {
        var context = after.Context;
        var unpaid = new List<(int, int)>();
        var byRoute = after.Moves
            .Where(m => m.Pass == pass)
            .GroupBy(m => (context.CellNode[m.FromCell], context.CellNode[m.ToCell]))
            .OrderBy(g => g.Key.Item1)
            .ThenBy(g => g.Key.Item2);
        foreach (var route in byRoute)
        {
            var moves = route.ToList();
            var blocks = moves.SelectMany(m => new[] { context.CellBlock[m.FromCell], context.CellBlock[m.ToCell] }).Distinct().ToList();
            var with = blocks.Sum(after.BlockValue);
            foreach (var m in moves)
            {
                after.Delta[m.FromCell] += m.Quantity;
                after.Delta[m.ToCell] -= m.Quantity;
            }

            var without = blocks.Sum(after.BlockValue);
            foreach (var m in moves)
            {
                after.Delta[m.FromCell] -= m.Quantity;
                after.Delta[m.ToCell] += m.Quantity;
            }

            var price = context.Route(route.Key.Item1, route.Key.Item2);
            var units = moves.Sum(m => m.Quantity);
            var alreadyShipping = before.Routes.TryGetValue(route.Key, out var use) && use.Units > 0;
            var shipment = alreadyShipping ? 0.0 : price.CostPerShipment;
            var gain = with - without;
            var freight = (units * price.CostPerUnit) + shipment;
            var ratio = requiredRatio(route.Key.Item1, route.Key.Item2);
            if (gain - freight <= 1e-9 || gain < (ratio * freight) - 1e-9)
            {
                unpaid.Add(route.Key);
            }
        }

        return unpaid;
    }
}
