using System.Collections.Immutable;

namespace Rebalancing.Engine.Policies;

/// <summary>
/// One entry of <c>overrides</c>: a <see cref="Match"/> and the keys it sets. Only
/// <see cref="PolicyReader"/> makes these, so every key and value in <see cref="Set"/> is valid.
/// </summary>
public sealed class PolicyOverride
{
    private readonly ImmutableArray<(PolicyKey Key, PolicyValue Value)> entries;

    internal PolicyOverride(PolicyMatch match, IEnumerable<(PolicyKey Key, PolicyValue Value)> entries)
    {
        Match = match;
        this.entries = [.. entries.OrderBy(entry => entry.Key.Path, StringComparer.Ordinal)];
        Set = this.entries.ToImmutableSortedDictionary(entry => entry.Key.Path, entry => entry.Value, StringComparer.Ordinal);
    }

    /// <summary>Which (node, SKU) pairs the override applies to.</summary>
    public PolicyMatch Match { get; }

    /// <summary>
    /// The values the override sets, by dotted key (<c>pass1.min_push_units</c>), sorted ordinally.
    /// Keys it does not set keep the value they had before it was applied.
    /// </summary>
    public ImmutableSortedDictionary<string, PolicyValue> Set { get; }

    internal ImmutableArray<(PolicyKey Key, PolicyValue Value)> Entries => entries;

    /// <summary>The settings with this override's values written over them.</summary>
    /// <param name="settings">The settings before the override (org level, or after earlier overrides).</param>
    /// <returns>A copy of <paramref name="settings"/> with every key in <see cref="Set"/> replaced.</returns>
    public PolicySettings ApplyTo(PolicySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        foreach (var (key, value) in entries)
        {
            settings = key.Set(settings, value);
        }

        return settings;
    }
}
