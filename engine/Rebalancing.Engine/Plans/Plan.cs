using System.Collections.Immutable;
using Rebalancing.Engine.Model;
using Rebalancing.Engine.Policies;
using Rebalancing.Engine.Reasons;

namespace Rebalancing.Engine.Plans;

/// <summary>A plan: the moves, a reason for every untouched inventory row, the totals and the determinism hash.</summary>
public sealed class Plan
{
    private readonly Lazy<string> hash;

    internal Plan(
        Snapshot snapshot,
        Policy policy,
        ImmutableArray<PlanMove> moves,
        ImmutableArray<BlockedRow> blocked,
        long gpUpliftCents,
        long freightCostCents,
        PlanKpis before,
        PlanKpis after,
        double upperBound,
        DeterminismHash.PreparedInput? preparedInput = null)
    {
        Snapshot = snapshot;
        Policy = policy;
        Moves = moves;
        Blocked = blocked;
        GpUpliftCents = gpUpliftCents;
        FreightCostCents = freightCostCents;
        KpisBefore = before;
        KpisAfter = after;
        UpperBoundCents = Math.Max(0, (long)Math.Round(upperBound * 100.0, MidpointRounding.AwayFromZero));
        InputHash = preparedInput?.InputHash ?? DeterminismHash.OfInput(snapshot, policy);
        // The plan's hash reads the whole canonical text: it is worked out when first asked for (once, on any thread),
        // so a caller can write the plan's files while it is computed.
        hash = new Lazy<string>(() => preparedInput is null ? DeterminismHash.OfPlan(this) : DeterminismHash.OfPlan(this, preparedInput), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The snapshot planned from.</summary>
    public Snapshot Snapshot { get; }

    /// <summary>The policy planned with.</summary>
    public Policy Policy { get; }

    /// <summary>Moves sorted by id.</summary>
    public ImmutableArray<PlanMove> Moves { get; }

    /// <summary>Untouched inventory rows with their reason, sorted by (node, SKU).</summary>
    public ImmutableArray<BlockedRow> Blocked { get; }

    /// <summary>The plan's value gain rounded to cents (the sum of the moves' <c>gp_uplift</c>).</summary>
    public long GpUpliftCents { get; }

    /// <summary>The plan's freight rounded to cents (the sum of the moves' <c>freight_cost</c>).</summary>
    public long FreightCostCents { get; }

    /// <summary>Net benefit in cents: <see cref="GpUpliftCents"/> - <see cref="FreightCostCents"/>.</summary>
    public long NetBenefitCents => GpUpliftCents - FreightCostCents;

    /// <summary>
    /// An upper bound on the net benefit any plan could reach for the snapshot and policy (docs/quality.md), in cents.
    /// </summary>
    public long UpperBoundCents { get; }

    /// <summary>Net benefit as a share of <see cref="UpperBoundCents"/> (1 when the bound is 0).</summary>
    public double OptimalityRatio => UpperBoundCents <= 0 ? 1.0 : Math.Round((double)NetBenefitCents / UpperBoundCents, 4);

    /// <summary>KPIs of the snapshot.</summary>
    public PlanKpis KpisBefore { get; }

    /// <summary>KPIs after the plan.</summary>
    public PlanKpis KpisAfter { get; }

    /// <summary>SHA-256 of the canonical input (snapshot and effective policy).</summary>
    public string InputHash { get; }

    /// <summary>The determinism hash (docs/determinism-hash.md).</summary>
    public string Hash => hash.Value;

    /// <summary>The snapshot's id: its <c>snapshot_id</c>, or the input hash when it has none.</summary>
    public string SnapshotId => Snapshot.Header.SnapshotId ?? InputHash;

    /// <summary>Units moved by all moves.</summary>
    public long UnitsMoved => Moves.Sum(m => (long)m.Quantity);

    /// <summary>Count of blocked rows per reason code.</summary>
    public IReadOnlyDictionary<ReasonCode, int> BlockedCounts =>
        Blocked.GroupBy(b => b.Code).OrderBy(g => ReasonNames.Name(g.Key), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count());

    /// <summary>The version of the engine that made the plan; part of the hash.</summary>
    public string EngineVersion { get; } = EngineInfo.Version;
}
