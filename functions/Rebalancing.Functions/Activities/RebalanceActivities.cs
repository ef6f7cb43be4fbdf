using System.Text.Json;
using Rebalancing.Engine.Model;
using Rebalancing.Engine.Planning;
using Rebalancing.Engine.Plans;
using Rebalancing.Engine.Reasons;
using Rebalancing.Functions.Orchestration;
using Rebalancing.Functions.Storage;

namespace Rebalancing.Functions.Activities;

/// <summary>
/// The activities of a rebalance run. Each one is idempotent: its result is stored as the run's work result for its
/// step (create-if-absent, so the first result wins and a repeat reads it back) before the run advances, and the
/// completion event is built from the stored result. Planning is deterministic, so a repeat computes the same
/// result anyway; the apply step writes ledger documents whose ids derive from run and move.
/// </summary>
internal sealed class RebalanceActivities(StorageServices stores, PlanningInputs inputs) : IRebalanceActivities
{
    /// <inheritdoc/>
    public Task<RunEvent> RunAsync(RunState run, RunStep step, string? cluster, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        return step switch
        {
            RunStep.LoadSnapshot => LoadSnapshotAsync(run, now, cancellationToken),
            RunStep.WarehousePush => WarehousePushAsync(run, now, cancellationToken),
            RunStep.StoreTransfersWithin => StoreTransfersWithinAsync(run, cluster ?? throw new ArgumentNullException(nameof(cluster)), now, cancellationToken),
            RunStep.StoreTransfersAcross => StoreTransfersAcrossAsync(run, now, cancellationToken),
            RunStep.Consolidate => ConsolidateAsync(run, now, cancellationToken),
            RunStep.Propose => ProposeAsync(run, now, cancellationToken),
            RunStep.Apply => ApplyAsync(run, now, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(step), step, null),
        };
    }

    /// <summary>Loads the snapshot and policy, adds the ledger's recent moves, and records the as-of context.</summary>
    private async Task<RunEvent> LoadSnapshotAsync(RunState run, DateTimeOffset now, CancellationToken ct)
    {
        var key = ResultKey(run, RunStep.LoadSnapshot, null);
        var stored = await GetResultAsync<LoadedSnapshot>(run.RunId, key, ct).ConfigureAwait(false);
        if (stored is null)
        {
            var request = run.Request;
            var metadata = await stores.Snapshots.GetMetadataAsync(run.OrgId, request.SnapshotId, ct).ConfigureAwait(false);
            var bundle = await stores.Snapshots.GetBundleAsync(run.OrgId, request.SnapshotId, ct).ConfigureAwait(false);
            if (metadata is null || bundle is null)
            {
                return new ActivityFailed(now, RunStep.LoadSnapshot, null, $"snapshot '{request.SnapshotId}' of org '{run.OrgId}' not found");
            }

            var (snapshot, policy, problem) = PlanningInputs.Load(bundle, request.PolicyJson);
            if (snapshot is null || policy is null)
            {
                return new ActivityFailed(now, RunStep.LoadSnapshot, null, problem ?? "cannot plan");
            }

            var since = snapshot.Header.AsOf - TimeSpan.FromDays(policy.Settings.CooldownDays);
            var ledgerMoves = (await stores.Ledger.ListRecentAsync(run.OrgId, since, ct).ConfigureAwait(false))
                .Where(o => o.Status == TransferOrderStatus.Applied)
                .Select(o => new RecentMove(o.Sku, o.FromLocation, o.ToLocation, checked((int)o.Units), o.AppliedAt))
                .ToList();
            var planning = PlanningInputs.WithRecentMoves(bundle, ledgerMoves);
            var context = new AsOfContext(
                metadata.SnapshotId,
                metadata.ContentHash,
                snapshot.Header.AsOf,
                policy.ToCanonicalJson(),
                EngineInfo.Version,
                [.. snapshot.Clusters],
                policy.Settings.ApprovalTimeoutHours,
                ledgerMoves.Count,
                PlanningInputs.Hash(planning));
            stored = await PutResultAsync(run.RunId, key, new LoadedSnapshot(context, ledgerMoves), now, ct).ConfigureAwait(false);
        }

        return new SnapshotLoaded(now, stored.Context);
    }

    private async Task<RunEvent> WarehousePushAsync(RunState run, DateTimeOffset now, CancellationToken ct)
    {
        var result = await StageAsync(run, RunStep.WarehousePush, null, now, (session, _) => session.WarehousePush(), ct).ConfigureAwait(false);
        return new WarehousePushCompleted(now, result.Moves.Count);
    }

    private async Task<RunEvent> StoreTransfersWithinAsync(RunState run, string cluster, DateTimeOffset now, CancellationToken ct)
    {
        var result = await StageAsync(run, RunStep.StoreTransfersWithin, cluster, now, (session, prior) => session.StoreTransfersWithin(prior.Pass1, cluster), ct).ConfigureAwait(false);
        return new ClusterTransfersCompleted(now, cluster, result.Moves.Count);
    }

    private async Task<RunEvent> StoreTransfersAcrossAsync(RunState run, DateTimeOffset now, CancellationToken ct)
    {
        var result = await StageAsync(run, RunStep.StoreTransfersAcross, null, now, (session, prior) => session.StoreTransfersAcross(prior.UpToClusters), ct).ConfigureAwait(false);
        return new CrossClusterCompleted(now, result.Moves.Count);
    }

    private async Task<RunEvent> ConsolidateAsync(RunState run, DateTimeOffset now, CancellationToken ct)
    {
        var result = await StageAsync(run, RunStep.Consolidate, null, now, (session, prior) => session.Consolidate(prior.UpToAcross), ct).ConfigureAwait(false);
        return new ConsolidationCompleted(now, result.Moves.Count);
    }

    /// <summary>Assembles the plan from every stage's stored moves and stores it (moves, totals, hash).</summary>
    private async Task<RunEvent> ProposeAsync(RunState run, DateTimeOffset now, CancellationToken ct)
    {
        var key = ResultKey(run, RunStep.Propose, null);
        var stored = await GetResultAsync<StoredPlan>(run.RunId, key, ct).ConfigureAwait(false);
        if (stored is null)
        {
            var (session, prior) = await PriorAsync(run, ct).ConfigureAwait(false);
            var plan = session.Assemble(prior.All);
            var moves = plan.Moves.Select(ProposedMove.From).ToList();
            var summary = new PlanSummary(moves.Count, plan.UnitsMoved, plan.GpUpliftCents, plan.FreightCostCents, moves.Count(m => m.ApprovalLevel == ApprovalLevel.Elevated));
            stored = await PutResultAsync(run.RunId, key, new StoredPlan(plan.Hash, plan.InputHash, plan.EngineVersion, summary, moves, plan.KpisBefore, plan.KpisAfter, plan.OptimalityRatio), now, ct).ConfigureAwait(false);
        }

        var refs = stored.Moves.Select(m => new MoveRef(m.MoveId, m.Pass, m.FromCluster, m.ToCluster, m.ApprovalLevel == ApprovalLevel.Elevated, MoveStatus.Proposed)).ToList();
        return new PlanProposed(now, stored.DeterminismHash, stored.Summary, refs);
    }

    /// <summary>Writes one transfer order per approved move (ids from run and move: a retry finds them) and the totals.</summary>
    private async Task<RunEvent> ApplyAsync(RunState run, DateTimeOffset now, CancellationToken ct)
    {
        var plan = await GetPlanAsync(run.RunId, ct).ConfigureAwait(false) ?? throw new InvalidOperationException($"run '{run.RunId}' has no stored plan");
        var context = run.Context!;
        var appliedAt = run.DecidedAt ?? now;
        var approved = run.Moves.Where(m => m.Status == MoveStatus.Approved).Select(m => m.MoveId).ToHashSet(StringComparer.Ordinal);
        var moves = plan.Moves.Where(m => approved.Contains(m.MoveId)).ToList();
        foreach (var move in moves)
        {
            await stores.Ledger.RecordAsync(
                new TransferOrder(
                    run.OrgId, run.RunId, move.MoveId, move.Sku, move.FromNode, move.ToNode, move.Quantity, move.Pass,
                    string.IsNullOrEmpty(move.FromCluster) ? null : move.FromCluster,
                    context.SnapshotId, context.SnapshotContentHash, TransferOrderStatus.Applied, appliedAt, appliedAt),
                ct).ConfigureAwait(false);
        }

        var totals = new AppliedSummary(moves.Count, moves.Sum(m => (long)m.Quantity), moves.Sum(m => m.FreightCostCents) / 100m, appliedAt);
        await stores.Ledger.RecordTotalsAsync(
            new AppliedTotals(run.OrgId, run.RunId, totals.Moves, totals.Units, totals.Cost, context.SnapshotId, context.SnapshotContentHash, appliedAt),
            ct).ConfigureAwait(false);
        return new MovesApplied(now, totals);
    }

    /// <summary>The run's stored plan (for the moves API and the report).</summary>
    public Task<StoredPlan?> GetPlanAsync(string runId, CancellationToken cancellationToken) =>
        GetResultAsync<StoredPlan>(runId, RunStep.Propose.ToString(), cancellationToken);

    /// <summary>A planning stage: compute from the session and the prior stages' stored moves, store once, return what is stored.</summary>
    private async Task<StageResult> StageAsync(RunState run, RunStep step, string? cluster, DateTimeOffset now, Func<PlanningSession, PriorStages, IReadOnlyList<StageMove>> compute, CancellationToken ct)
    {
        var key = ResultKey(run, step, cluster);
        var stored = await GetResultAsync<StageResult>(run.RunId, key, ct).ConfigureAwait(false);
        if (stored is not null)
        {
            return stored;
        }

        var (session, prior) = await PriorAsync(run, ct).ConfigureAwait(false);
        return await PutResultAsync(run.RunId, key, new StageResult([.. compute(session, prior)]), now, ct).ConfigureAwait(false);
    }

    private async Task<(PlanningSession Session, PriorStages Prior)> PriorAsync(RunState run, CancellationToken ct)
    {
        var results = (await stores.Runs.ListWorkResultsAsync(run.RunId, ct).ConfigureAwait(false)).ToDictionary(r => r.Key, StringComparer.Ordinal);
        T? Read<T>(string key) where T : class => results.TryGetValue(key, out var r) ? r.Body.Deserialize<T>(StorageJson.Options) : null;
        IReadOnlyList<StageMove> Moves(RunStep step, string? cluster) => Read<StageResult>(ResultKey(run, step, cluster))?.Moves ?? [];

        var loaded = Read<LoadedSnapshot>(ResultKey(run, RunStep.LoadSnapshot, null)) ?? throw new InvalidOperationException($"run '{run.RunId}' has no loaded snapshot");
        var context = loaded.Context;
        var session = await inputs.SessionAsync(run.OrgId, context.SnapshotId, loaded.LedgerMoves, context.PolicyJson, context.PlanningInputHash, ct).ConfigureAwait(false);
        var pass1 = Moves(RunStep.WarehousePush, null);
        var clusters = context.Clusters.SelectMany(c => Moves(RunStep.StoreTransfersWithin, c)).ToList();
        var across = Moves(RunStep.StoreTransfersAcross, null);
        var pass3 = Moves(RunStep.Consolidate, null);
        return (session, new PriorStages(pass1, [.. pass1, .. clusters], [.. pass1, .. clusters, .. across], [.. pass1, .. clusters, .. across, .. pass3]));
    }

    /// <summary>The work-result key: the step, and for a cluster its index (cluster names need not be valid ids).</summary>
    private static string ResultKey(RunState run, RunStep step, string? cluster) =>
        cluster is null ? step.ToString() : $"{step}.{IndexOf(run, cluster)}";

    private static int IndexOf(RunState run, string cluster)
    {
        var index = run.Clusters.ToList().IndexOf(cluster);
        return index >= 0 ? index : throw new ArgumentException($"run '{run.RunId}' has no cluster '{cluster}'", nameof(cluster));
    }

    private async Task<T?> GetResultAsync<T>(string runId, string key, CancellationToken ct) where T : class
    {
        var results = await stores.Runs.ListWorkResultsAsync(runId, ct).ConfigureAwait(false);
        var result = results.FirstOrDefault(r => string.Equals(r.Key, key, StringComparison.Ordinal));
        return result?.Body.Deserialize<T>(StorageJson.Options);
    }

    private async Task<T> PutResultAsync<T>(string runId, string key, T value, DateTimeOffset now, CancellationToken ct) where T : class
    {
        var created = await stores.Runs.AddWorkResultAsync(new WorkResult(runId, key, JsonSerializer.SerializeToElement(value, StorageJson.Options), now), ct).ConfigureAwait(false);
        return created.Stored.Value.Body.Deserialize<T>(StorageJson.Options)!; // the first result stored wins
    }

    private sealed record PriorStages(IReadOnlyList<StageMove> Pass1, IReadOnlyList<StageMove> UpToClusters, IReadOnlyList<StageMove> UpToAcross, IReadOnlyList<StageMove> All);
}

/// <summary>The activities as the worker calls them (a seam for fault injection in tests).</summary>
internal interface IRebalanceActivities
{
    /// <summary>Runs one activity of <paramref name="run"/>; returns the event to apply (completed, or failed for good).</summary>
    Task<RunEvent> RunAsync(RunState run, RunStep step, string? cluster, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>The stored result of the load step: the as-of context and the ledger moves added to the recent moves.</summary>
internal sealed record LoadedSnapshot(AsOfContext Context, IReadOnlyList<RecentMove> LedgerMoves);

/// <summary>The stored result of a planning stage.</summary>
internal sealed record StageResult(IReadOnlyList<StageMove> Moves);

/// <summary>The stored plan of a run.</summary>
internal sealed record StoredPlan(
    string DeterminismHash,
    string InputHash,
    string EngineVersion,
    PlanSummary Summary,
    IReadOnlyList<ProposedMove> Moves,
    PlanKpis? KpisBefore = null,
    PlanKpis? KpisAfter = null,
    double? OptimalityRatio = null);

/// <summary>A plan row as the function app stores and lists it (the plan-output columns).</summary>
internal sealed record ProposedMove(
    string MoveId,
    int Pass,
    string FromNode,
    string ToNode,
    string Sku,
    string Style,
    string Size,
    int Quantity,
    string FromCluster,
    string ToCluster,
    long GpUpliftCents,
    long FreightCostCents,
    string Reason,
    ApprovalLevel ApprovalLevel)
{
    public static ProposedMove From(PlanMove m)
    {
        ArgumentNullException.ThrowIfNull(m);
        return new(m.MoveId, m.Pass, m.FromNode, m.ToNode, m.Sku, m.Style, m.Size, m.Quantity, m.FromCluster, m.ToCluster, m.GpUpliftCents, m.FreightCostCents, ReasonNames.Name(m.Reason), m.ApprovalLevel);
    }
}
