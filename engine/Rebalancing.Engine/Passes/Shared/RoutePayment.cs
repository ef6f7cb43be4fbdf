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

    /// <summary>
    /// Routes whose moves in this pass earned (as credited when applied) no more than the freight they add, or less
    /// than the required multiple of it.
    /// </summary>
    private static List<(int From, int To)> UnpaidRoutes(PlanState before, PlanState after, int pass, Func<int, int, double> requiredRatio)
    {
        var context = after.Context;
        var unpaid = new List<(int From, int To)>();
        // Only what this stage added: a stage may start from a state that already holds moves of the same pass
        // (the cross-cluster step starts from every cluster's transfers).
        var unitsBefore = UnitsByRoute(before, pass);
        foreach (var (route, unitsAfter) in UnitsByRoute(after, pass).OrderBy(r => r.Key.From).ThenBy(r => r.Key.To))
        {
            var units = unitsAfter - unitsBefore.GetValueOrDefault(route);
            if (units <= 0)
            {
                continue;
            }

            var price = context.Route(route.From, route.To);
            var alreadyShipping = before.Routes.TryGetValue(route, out var use) && use.Units > 0;
            var freight = (units * price.CostPerUnit) + (alreadyShipping ? 0.0 : price.CostPerShipment);
            var credit = after.RouteCredit.GetValueOrDefault((pass, route.From, route.To)) - before.RouteCredit.GetValueOrDefault((pass, route.From, route.To));
            var ratio = requiredRatio(route.From, route.To);
            if (credit - freight <= 1e-9 || credit < (ratio * freight) - 1e-9)
            {
                unpaid.Add(route);
            }
        }

        return unpaid;
    }

    private static Dictionary<(int From, int To), int> UnitsByRoute(PlanState state, int pass)
    {
        var context = state.Context;
        var units = new Dictionary<(int, int), int>();
        foreach (var move in state.Moves)
        {
            if (move.Pass == pass)
            {
                var key = (context.CellNode[move.FromCell], context.CellNode[move.ToCell]);
                units[key] = units.GetValueOrDefault(key) + move.Quantity;
            }
        }

        return units;
    }
}
