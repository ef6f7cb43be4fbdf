using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace Rebalancing.Engine.Policies;

/// <summary>
/// A valid policy: the org-level <see cref="Settings"/> and the <see cref="Overrides"/> that
/// change them for some (node, SKU) pairs. Read one with <see cref="PolicyReader"/>; resolve
/// the effective settings of a (node, SKU) with <see cref="Resolve"/> or, in hot loops, with
/// <see cref="NodeMask"/>, <see cref="ProductMask"/> and <see cref="ResolveMask"/>.
/// Immutable and safe to share between threads.
/// </summary>
public sealed partial class Policy
{
    private readonly ConcurrentDictionary<ulong, PolicySettings> resolved = new();
    private readonly ulong allOverridesMask;

    /// <summary>A policy with the given org-level settings and no overrides.</summary>
    /// <param name="settings">The org-level settings.</param>
    /// <exception cref="ArgumentException">A value is out of its range (policy.md), or a minimum is above its maximum.</exception>
    public Policy(PolicySettings settings)
        : this(settings, [])
    {
        var problems = PolicyValidation.Check(settings);
        if (problems.Count > 0)
        {
            throw new ArgumentException(
                "Invalid policy settings: " + string.Join("; ", problems.Select(p => $"{p.Path}: {p.Message}")),
                nameof(settings));
        }
    }

    /// <summary>A policy from values the reader has already validated.</summary>
    internal Policy(PolicySettings settings, ImmutableArray<PolicyOverride> overrides)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (overrides.Length > PolicyDefaults.MaxOverrides)
        {
            throw new ArgumentOutOfRangeException(nameof(overrides), overrides.Length, $"At most {PolicyDefaults.MaxOverrides} overrides are supported.");
        }

        Settings = settings;
        Overrides = overrides;
        allOverridesMask = overrides.Length == 64 ? ulong.MaxValue : (1UL << overrides.Length) - 1;
        resolved[0] = settings;
    }

    /// <summary>The policy <c>{}</c>: every key at its default, no overrides.</summary>
    public static Policy Default { get; } = new(PolicySettings.Default);

    /// <summary>The org-level settings: the document's top-level keys with defaults filled in.</summary>
    public PolicySettings Settings { get; }

    /// <summary>The overrides, in document order; a later one wins over an earlier one.</summary>
    public ImmutableArray<PolicyOverride> Overrides { get; }

    /// <summary>
    /// The canonical JSON of the effective policy, which the determinism hash covers: every key
    /// with its org-level value (defaults filled in, <c>change_cap_units_per_sku</c> as
    /// <c>null</c> when there is no cap), groups as nested objects, all object keys sorted
    /// ordinally (so <c>overrides</c> sits between <c>min_viable_run</c> and <c>pass1</c>),
    /// numbers in invariant shortest round-trip form (<c>2.0</c> is <c>2</c>), and
    /// <c>overrides</c> in document order, each as <c>{"match":{...},"set":{...}}</c> with only
    /// the keys it sets. No whitespace. Policies that mean the same give the same text.
    /// </summary>
    /// <returns>The canonical JSON text.</returns>
    public string ToCanonicalJson() => PolicyJsonWriter.Write(Settings, Overrides);
}
