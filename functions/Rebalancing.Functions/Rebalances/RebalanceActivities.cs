using Microsoft.Azure.Functions.Worker;
using Rebalancing.Engine.Model;
using Rebalancing.Engine.Planning;
using Rebalancing.Engine.Plans;
using Rebalancing.Functions.Storage;

namespace Rebalancing.Functions.Rebalances;

/// <summary>
/// The activities of a rebalance run. Each one calls one engine stage or one store operation, and each is idempotent:
/// its result is stored (create-only blobs, create-if-absent documents, ledger ids derived from run and move) before
/// the run advances, and a repeat reads the stored result back. Planning is deterministic, so a repeat would compute
/// the same result anyway.
/// </summary>
internal sealed class RebalanceActivities(StorageServices stores, RunFiles files, PlanningInputs inputs, RunEvents events, TimeProvider time)
{
    /// <summary>Loads the snapshot and policy, adds the ledger's recent moves, and records the as-of context.</summary>
    [Function(nameof(LoadSnapshot))]
    public async Task<LoadedRun> LoadSnapshot([ActivityTrigger] RunInput run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var loaded = await files.GetLoadedAsync(run.RunId, cancellationToken).ConfigureAwait(false);
        if (loaded is null)
        {
            var metadata = await stores.Snapshots.GetMetadataAsync(run.OrgId, run.SnapshotId, cancellationToken).ConfigureAwait(false);
            var bundle = await stores.Snapshots.GetBundleAsync(run.OrgId, run.SnapshotId, cancellationToken).ConfigureAwait(false);
            if (metadata is null || bundle is null)
            {
                throw new RunInputException($"snapshot '{run.SnapshotId}' of org '{run.OrgId}' not found");
            }

            var (snapshot, policy, problem) = PlanningInputs.Load(bundle, run.PolicyJson);
            if (snapshot is null || policy is null)
            {
                throw new RunInputException(problem ?? "cannot plan");
            }

            var since = snapshot.Header.AsOf - TimeSpan.FromDays(policy.Settings.CooldownDays);
            var ledgerMoves = (await stores.Ledger.ListRecentAsync(run.OrgId, since, cancellationToken).ConfigureAwait(false))
                .Where(o => o.Status == TransferOrderStatus.Applied && o.AppliedAt <= snapshot.Header.AsOf)
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
            loaded = await files.PutLoadedAsync(run.RunId, new LoadedSnapshot(context, ledgerMoves), cancellationToken).ConfigureAwait(false);
            await UpdateRunAsync(run.RunId, r => r.Context is null ? r with { Context = loaded.Context, UpdatedAt = time.GetUtcNow() } : r, cancellationToken).ConfigureAwait(false);
        }

        return new LoadedRun(loaded.Context.Clusters, loaded.Context.ApprovalTimeoutHours);
    }

    /// <summary>Pass 1: warehouse to store.</summary>
    [Function(nameof(WarehousePush))]
    public Task<StageOutput> WarehousePush([ActivityTrigger] StageInput input, CancellationToken cancellationToken) =>
        StageAsync(input, nameof(WarehousePush), (session, prior) => session.WarehousePush(), cancellationToken);

    /// <summary>Pass 2 within one cluster (the fan-out unit: clusters are independent).</summary>
    [Function(nameof(StoreTransfersWithin))]
    public Task<StageOutput> StoreTransfersWithin([ActivityTrigger] StageInput input, CancellationToken cancellationToken) =>
        StageAsync(input, nameof(StoreTransfersWithin), (session, prior) => session.StoreTransfersWithin(prior.Pass1, prior.Cluster(input)), cancellationToken);

    /// <summary>Pass 2 across clusters, after every cluster.</summary>
    [Function(nameof(StoreTransfersAcross))]
    public Task<StageOutput> StoreTransfersAcross([ActivityTrigger] StageInput input, CancellationToken cancellationToken) =>
        StageAsync(input, nameof(StoreTransfersAcross), (session, prior) => session.StoreTransfersAcross(prior.UpToClusters), cancellationToken);

    /// <summary>Pass 3: sweep and consolidate.</summary>
    [Function(nameof(Consolidate))]
    public Task<StageOutput> Consolidate([ActivityTrigger] StageInput input, CancellationToken cancellationToken) =>
        StageAsync(input, nameof(Consolidate), (session, prior) => session.Consolidate(prior.UpToAcross), cancellationToken);

    /// <summary>Assembles the plan from every stage's stored moves, stores it page by page, and records the proposal.</summary>
    [Function(nameof(ProposePlan))]
    public async Task<ProposedPlan> ProposePlan([ActivityTrigger] string runId, CancellationToken cancellationToken)
    {
        var stored = await files.GetPlanAsync(runId, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            var (session, prior) = await PriorAsync(runId, cancellationToken).ConfigureAwait(false);
            var plan = session.Assemble(prior.All);
            var moves = plan.Moves.Select(ProposedMove.From).OrderBy(m => m.MoveId, StringComparer.Ordinal).ToList();
            var summary = new PlanSummary(moves.Count, plan.UnitsMoved, plan.GpUpliftCents, plan.FreightCostCents, moves.Count(m => m.ApprovalLevel == ApprovalLevel.Elevated));
            stored = await files.PutPlanAsync(
                runId,
                new StoredPlan(plan.Hash, plan.InputHash, plan.EngineVersion, summary, RunFiles.PagesFor(moves.Count), plan.KpisBefore, plan.KpisAfter, plan.OptimalityRatio, PlanAggregates.Of(moves)),
                moves,
                cancellationToken).ConfigureAwait(false);
        }

        // The proposal instant is recorded once: a repeat (or a resumed run) keeps the first, so the approval window
        // does not move.
        var run = await UpdateRunAsync(runId, r => r.ProposedAt is not null ? r : r with
        {
            Status = RunStatus.AwaitingApproval,
            DeterminismHash = stored.DeterminismHash,
            Summary = stored.Summary,
            KpisBefore = stored.KpisBefore,
            KpisAfter = stored.KpisAfter,
            OptimalityRatio = stored.OptimalityRatio,
            ProposedAt = time.GetUtcNow(),
            ApprovalDueAt = time.GetUtcNow() + TimeSpan.FromHours(r.Context?.ApprovalTimeoutHours ?? 72),
            UpdatedAt = time.GetUtcNow(),
        }, cancellationToken).ConfigureAwait(false);
        return new ProposedPlan(stored.DeterminismHash, stored.Summary, run.ProposedAt!.Value);
    }

    /// <summary>Announces the proposal (plan-proposed, and approval-requested per approver); the notification trigger issues the links.</summary>
    [Function(nameof(NotifyApprovers))]
    public async Task<int> NotifyApprovers([ActivityTrigger] string runId, CancellationToken cancellationToken)
    {
        var run = await GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
        return await events.ProposedAsync(run, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Records one decision and answers how the moves stand. A decision decides the moves still undecided inside its
    /// scope that its approver may decide (elevated moves need an elevated approver); the first decision on a move
    /// wins. A decision whose event id is already recorded changes nothing. With no decision, it only reads the tally.
    /// </summary>
    [Function(nameof(RecordDecision))]
    public async Task<DecisionTally> RecordDecision([ActivityTrigger] DecisionInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var book = await Decisions.ReadAsync(stores.Runs, input.RunId, cancellationToken).ConfigureAwait(false);
        var refs = await files.GetRefsAsync(input.RunId, cancellationToken).ConfigureAwait(false);
        if (input.Decision is { } decision && book.Find(decision.EventId) is null)
        {
            var run = await GetRunAsync(input.RunId, cancellationToken).ConfigureAwait(false);
            var recorded = await Decisions.AddAsync(stores.Runs, input.RunId, new RecordedDecision(input.Sequence, decision, Decisions.IsElevated(run.Input, decision), input.At), time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            book = new DecisionBook([.. book.All, recorded]);
            await events.DecisionAsync(run, recorded, book.DecidedBy(refs, recorded.Decision.EventId), cancellationToken).ConfigureAwait(false);
        }

        return book.Tally(refs);
    }

    /// <summary>Writes one transfer order per approved move (ids from run and move: a retry finds them) and the totals.</summary>
    [Function(nameof(ApplyMoves))]
    public async Task<AppliedSummary> ApplyMoves([ActivityTrigger] ApplyInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var run = await GetRunAsync(input.RunId, cancellationToken).ConfigureAwait(false);
        var plan = await files.GetPlanAsync(input.RunId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"run '{input.RunId}' has no stored plan");
        var context = run.Record.Context ?? throw new InvalidOperationException($"run '{input.RunId}' has no as-of context");
        var book = await Decisions.ReadAsync(stores.Runs, input.RunId, cancellationToken).ConfigureAwait(false);
        await UpdateRunAsync(input.RunId, r => r.Status == RunStatus.Applying ? r : r with { Status = RunStatus.Applying, DecidedAt = input.DecidedAt, UpdatedAt = time.GetUtcNow() }, cancellationToken).ConfigureAwait(false);

        int count = 0;
        long units = 0, freightCents = 0;
        var batch = new List<Task>();
        await foreach (var move in files.ReadMovesAsync(input.RunId, plan, cancellationToken).ConfigureAwait(false))
        {
            if (book.StatusOf(move.Ref) != MoveStatus.Approved)
            {
                continue;
            }

            count++;
            units += move.Quantity;
            freightCents += move.FreightCostCents;
            batch.Add(stores.Ledger.RecordAsync(
                new TransferOrder(
                    run.OrgId, run.RunId, move.MoveId, move.Sku, move.FromNode, move.ToNode, move.Quantity, move.Pass,
                    string.IsNullOrEmpty(move.FromCluster) ? null : move.FromCluster,
                    context.SnapshotId, context.SnapshotContentHash, TransferOrderStatus.Applied, input.DecidedAt, input.DecidedAt),
                cancellationToken));
            if (batch.Count == LedgerWritesInFlight)
            {
                await Task.WhenAll(batch).ConfigureAwait(false);
                batch.Clear();
            }
        }

        await Task.WhenAll(batch).ConfigureAwait(false);
        var totals = new AppliedSummary(count, units, freightCents / 100m, input.DecidedAt);
        await stores.Ledger.RecordTotalsAsync(
            new AppliedTotals(run.OrgId, run.RunId, totals.Moves, totals.Units, totals.Cost, context.SnapshotId, context.SnapshotContentHash, input.DecidedAt),
            cancellationToken).ConfigureAwait(false);
        return totals;
    }

    /// <summary>Records how the run ended, releases its org and emits its last event. Every run ends here once.</summary>
    [Function(nameof(FinishRun))]
    public async Task<RunOutcome> FinishRun([ActivityTrigger] FinishInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var record = await UpdateRunAsync(input.RunId, r => r.IsFinished ? r : r with
        {
            Status = input.Status,
            Error = input.Error,
            Applied = input.Applied,
            DecidedAt = r.DecidedAt ?? (input.Status is RunStatus.Rejected or RunStatus.Expired ? input.At : null),
            UpdatedAt = time.GetUtcNow(),
        }, cancellationToken).ConfigureAwait(false);
        await stores.Runs.ReleaseActiveRunAsync(record.OrgId, record.RunId, cancellationToken).ConfigureAwait(false);
        await events.FinishedAsync(record, cancellationToken).ConfigureAwait(false);
        return new RunOutcome(record.Status, record.Applied, record.Error);
    }

    private const int LedgerWritesInFlight = 16;

    private async Task<StageOutput> StageAsync(StageInput input, string stage, Func<PlanningSession, PriorStages, IReadOnlyList<StageMove>> compute, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        var blob = RunFiles.StageBlob(input.RunId, stage, input.ClusterIndex);
        var stored = await files.GetStageAsync(blob, ct).ConfigureAwait(false);
        if (stored is null)
        {
            var (session, prior) = await PriorAsync(input.RunId, ct).ConfigureAwait(false);
            stored = await files.PutStageAsync(blob, new StageMoves([.. compute(session, prior)]), ct).ConfigureAwait(false);
        }

        return new StageOutput(blob, stored.Moves.Count);
    }

    private async Task<(PlanningSession Session, PriorStages Prior)> PriorAsync(string runId, CancellationToken ct)
    {
        var loaded = await files.GetLoadedAsync(runId, ct).ConfigureAwait(false) ?? throw new InvalidOperationException($"run '{runId}' has no loaded snapshot");
        var context = loaded.Context;
        var run = await GetRunAsync(runId, ct).ConfigureAwait(false);
        var session = await inputs.SessionAsync(run.OrgId, context.SnapshotId, loaded.LedgerMoves, context.PolicyJson, context.PlanningInputHash, ct).ConfigureAwait(false);

        async Task<IReadOnlyList<StageMove>> Moves(string stage, int? cluster) =>
            (await files.GetStageAsync(RunFiles.StageBlob(runId, stage, cluster), ct).ConfigureAwait(false))?.Moves ?? [];

        var pass1 = await Moves(nameof(WarehousePush), null).ConfigureAwait(false);
        var clusters = new List<StageMove>();
        for (var i = 0; i < context.Clusters.Count; i++)
        {
            clusters.AddRange(await Moves(nameof(StoreTransfersWithin), i).ConfigureAwait(false));
        }

        var across = await Moves(nameof(StoreTransfersAcross), null).ConfigureAwait(false);
        var pass3 = await Moves(nameof(Consolidate), null).ConfigureAwait(false);
        return (session, new PriorStages(context.Clusters, pass1, [.. pass1, .. clusters], [.. pass1, .. clusters, .. across], [.. pass1, .. clusters, .. across, .. pass3]));
    }

    private async Task<RunView> GetRunAsync(string runId, CancellationToken ct)
    {
        var document = await stores.Runs.GetAsync(runId, ct).ConfigureAwait(false) ?? throw new InvalidOperationException($"run '{runId}' has no run document");
        var record = RunRecord.FromDocument(document.Value);
        return new RunView(record, record.Status, [], record.UpdatedAt, record.Error);
    }

    /// <summary>Changes the run document with an ETag'd replace, re-reading on a conflict; returns the record as stored.</summary>
    private async Task<RunRecord> UpdateRunAsync(string runId, Func<RunRecord, RunRecord> change, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var current = await stores.Runs.GetAsync(runId, ct).ConfigureAwait(false) ?? throw new InvalidOperationException($"run '{runId}' has no run document");
            var record = RunRecord.FromDocument(current.Value);
            var changed = change(record);
            if (ReferenceEquals(changed, record))
            {
                return record;
            }

            try
            {
                await stores.Runs.ReplaceAsync(changed.ToDocument(), current.ETag, ct).ConfigureAwait(false);
                return changed;
            }
            catch (ConcurrencyConflictException) when (attempt < 10)
            {
                // another step wrote meanwhile (e.g. the starter and an activity): apply the change to what it left
            }
        }
    }

    private sealed record PriorStages(IReadOnlyList<string> Clusters, IReadOnlyList<StageMove> Pass1, IReadOnlyList<StageMove> UpToClusters, IReadOnlyList<StageMove> UpToAcross, IReadOnlyList<StageMove> All)
    {
        public string Cluster(StageInput input) =>
            input.ClusterIndex is { } i && i >= 0 && i < Clusters.Count ? Clusters[i] : throw new ArgumentException($"no cluster at index {input.ClusterIndex}", nameof(input));
    }
}

/// <summary>An input the run can never plan from (a missing snapshot, a policy that no longer loads): retrying cannot help.</summary>
internal sealed class RunInputException(string message) : Exception(message);
