namespace Rebalancing.Engine.Valuation;

/// <summary>
/// The value of a position (engine-rules.md, Value model):
/// <c>V(x) = x * P * (1 - m) + m * P * sum_{k=1..x} p(k)</c> — every unit is worth at least its markdown price, and
/// each unit that sells at full price adds the markdown it avoided.
/// </summary>
public static class PositionValue
{
    /// <summary>The value of a position.</summary>
    /// <param name="position">Units that can still sell at the node (negative counts as 0).</param>
    /// <param name="price">Full retail price <c>P</c>.</param>
    /// <param name="markdownRate">Share of price lost on a unit that does not sell at full price, <c>m</c>.</param>
    /// <param name="mu">Mean demand over the horizon, after any fragment factor.</param>
    /// <returns>The value in currency units.</returns>
    public static double Of(int position, double price, double markdownRate, double mu)
    {
        if (position <= 0)
        {
            return 0.0;
        }

        return (position * price * (1 - markdownRate)) + (markdownRate * price * SellThrough.ExpectedSales(mu, position));
    }

    /// <summary>The mean demand over the horizon: <c>lambda * H</c>, times the fragment factor when the style is not a viable run.</summary>
    /// <param name="weeklyRate">Demand rate per week, <c>lambda</c>.</param>
    /// <param name="horizonWeeks">The horizon <c>H</c>, already capped by the season end.</param>
    /// <param name="viable">Whether the style is a viable size run at the node in the state being valued.</param>
    /// <param name="fragmentDemandFactor">The policy's fragment demand factor.</param>
    /// <returns>The Poisson mean.</returns>
    public static double Mean(double weeklyRate, double horizonWeeks, bool viable, double fragmentDemandFactor) =>
        weeklyRate * horizonWeeks * (viable ? 1.0 : fragmentDemandFactor);

    /// <summary>The horizon in weeks: the policy's, capped by the weeks from as-of to 00:00 UTC of the season end, never below 0.</summary>
    /// <param name="policyHorizonWeeks">The policy's <c>horizon_weeks</c>.</param>
    /// <param name="asOf">The snapshot's as-of instant.</param>
    /// <param name="seasonEnd">The product's season end, if any.</param>
    /// <returns>The horizon in weeks.</returns>
    public static double HorizonWeeks(double policyHorizonWeeks, DateTimeOffset asOf, DateOnly? seasonEnd)
    {
        var horizon = policyHorizonWeeks;
        if (seasonEnd is { } end)
        {
            var endInstant = new DateTimeOffset(end.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            var weeks = (endInstant - asOf).TotalDays / 7.0;
            horizon = Math.Min(horizon, weeks);
        }

        return Math.Max(horizon, 0.0);
    }
}
