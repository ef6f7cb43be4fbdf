using System.Globalization;

namespace Rebalancing.Engine.Policies;

/// <summary>The allowed interval of a numeric policy key: a lower bound and an optional upper bound.</summary>
/// <param name="Minimum">The lower bound.</param>
/// <param name="MinimumExclusive">Whether the lower bound itself is excluded.</param>
/// <param name="Maximum">The inclusive upper bound, or <see cref="double.PositiveInfinity"/> for none.</param>
internal readonly record struct PolicyRange(double Minimum, bool MinimumExclusive, double Maximum)
{
    public static PolicyRange AtLeast(double minimum) => new(minimum, false, double.PositiveInfinity);

    public static PolicyRange Above(double minimum) => new(minimum, true, double.PositiveInfinity);

    public static PolicyRange Between(double minimum, double maximum) => new(minimum, false, maximum);

    public static PolicyRange AboveAndAtMost(double minimum, double maximum) => new(minimum, true, maximum);

    public bool Contains(double value) =>
        (MinimumExclusive ? value > Minimum : value >= Minimum) && value <= Maximum;

    /// <summary>The range in words, to follow "must be": "at least 0", "between 0 and 1", "above 0 and at most 1".</summary>
    public string Describe()
    {
        var lower = Format(Minimum);
        if (double.IsPositiveInfinity(Maximum))
        {
            return MinimumExclusive ? $"above {lower}" : $"at least {lower}";
        }

        var upper = Format(Maximum);
        return MinimumExclusive ? $"above {lower} and at most {upper}" : $"between {lower} and {upper}";
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
