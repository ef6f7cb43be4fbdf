namespace Rebalancing.Engine.Policies;

/// <summary>Checks on whole settings, shared by the reader and the <see cref="Policy"/> constructor.</summary>
internal static class PolicyValidation
{
    /// <summary>Every out-of-range value and every minimum above its maximum, named by dotted key.</summary>
    public static List<PolicyProblem> Check(PolicySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var problems = new List<PolicyProblem>();
        foreach (var key in PolicyKeys.All)
        {
            if (Check(key, settings) is { } message)
            {
                problems.Add(new PolicyProblem(key.Path, message));
            }
        }

        if (problems.Count == 0)
        {
            foreach (var (min, max) in PolicyKeys.MinMaxPairs)
            {
                if (MinAboveMax(settings, min, max) is { } message)
                {
                    problems.Add(new PolicyProblem(min.Path, message));
                }
            }
        }

        return problems;
    }

    private static string? Check(PolicyKey key, PolicySettings settings)
    {
        PolicyValue value;
        try
        {
            value = key.Get(settings);
        }
        catch (ArgumentOutOfRangeException)
        {
            return "must be a finite number";
        }

        return key.Check(value);
    }

    /// <summary>Null when <paramref name="min"/> is at most <paramref name="max"/> in <paramref name="settings"/>, else the problem.</summary>
    public static string? MinAboveMax(PolicySettings settings, PolicyKey min, PolicyKey max)
    {
        var low = min.Get(settings);
        var high = max.Get(settings);
        return low.Number > high.Number
            ? $"{min.Name} ({low}) must not be above {max.Name} ({high})"
            : null;
    }
}
