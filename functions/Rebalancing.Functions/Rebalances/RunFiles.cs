using System.Globalization;
using System.Text.Json;
using Rebalancing.Engine.Model;
using Rebalancing.Engine.Planning;
using Rebalancing.Engine.Plans;
using Rebalancing.Functions.Storage;
using Rebalancing.Functions.Storage.Blobs;

namespace Rebalancing.Functions.Rebalances;

/// <summary>The stored result of the load step: the as-of context and the ledger moves added to the recent moves.</summary>
internal sealed record LoadedSnapshot(AsOfContext Context, IReadOnlyList<RecentMove> LedgerMoves);

/// <summary>The stored result of a planning stage.</summary>
internal sealed record StageMoves(IReadOnlyList<StageMove> Moves);

/// <summary>
/// The plan's header: everything but the moves, which are stored in pages of <see cref="RunFiles.PageSize"/>.
/// <paramref name="Aggregates"/> are what the report's charts draw, worked out once when the plan is stored.
/// </summary>
internal sealed record StoredPlan(
    string DeterminismHash,
    string InputHash,
    string EngineVersion,
    PlanSummary Summary,
    int Pages,
    PlanKpis? KpisBefore,
    PlanKpis? KpisAfter,
    double? OptimalityRatio,
    PlanAggregates Aggregates);

/// <summary>Totals per pass, per destination cluster and pass, and per cluster-to-cluster route (the report's charts).</summary>
internal sealed record PlanAggregates(
    IReadOnlyList<PassTotal> Passes,
    IReadOnlyList<ClusterPassTotal> DestinationClusters,
    IReadOnlyList<RouteTotal> Routes)
{
    /// <summary>The aggregates of a list of moves (ordinal order, so the same plan gives the same file).</summary>
    public static PlanAggregates Of(IReadOnlyList<ProposedMove> moves)
    {
        ArgumentNullException.ThrowIfNull(moves);
        return new(
            [.. moves.GroupBy(m => m.Pass).OrderBy(g => g.Key).Select(g => new PassTotal(g.Key, g.Count(), g.Sum(m => (long)m.Quantity)))],
            [.. moves.GroupBy(m => (m.ToCluster, m.Pass)).OrderBy(g => g.Key.ToCluster, StringComparer.Ordinal).ThenBy(g => g.Key.Pass)
                .Select(g => new ClusterPassTotal(g.Key.ToCluster, g.Key.Pass, g.Count()))],
            [.. moves.GroupBy(m => (m.FromCluster, m.ToCluster)).OrderBy(g => g.Key.FromCluster, StringComparer.Ordinal).ThenBy(g => g.Key.ToCluster, StringComparer.Ordinal)
                .Select(g => new RouteTotal(g.Key.FromCluster, g.Key.ToCluster, g.Count(), g.Sum(m => (long)m.Quantity)))]);
    }
}

/// <summary>Moves and units of one pass.</summary>
internal sealed record PassTotal(int Pass, int Moves, long Units);

/// <summary>Moves of one pass into one cluster.</summary>
internal sealed record ClusterPassTotal(string Cluster, int Pass, int Moves);

/// <summary>Moves and units from one cluster to another.</summary>
internal sealed record RouteTotal(string FromCluster, string ToCluster, int Moves, long Units);

/// <summary>
/// A run's files in Blob storage (the <c>runs</c> container; <c>{DataDir}/blobs/runs/</c> on the embedded default):
/// the load step's result, each planning stage's moves, and the plan (header, move pages, move refs). Every file is
/// written create-only: a step that runs again computes the same bytes (planning is deterministic) and the first
/// write wins, so a retry never changes what a later step read.
/// </summary>
/// <remarks>
/// <code>
/// {runId}/loaded.json                       LoadedSnapshot
/// {runId}/stages/{stage}[-{cluster}].json   StageMoves
/// {runId}/plan/plan.json                    StoredPlan (no moves)
/// {runId}/plan/moves-{00000}.json           ProposedMove[] of page n (PageSize moves a page, by move id)
/// {runId}/plan/refs.json                    MoveRef[] of every move (scopes and the elevated rule read these)
/// </code>
/// </remarks>
internal sealed class RunFiles(IBlobContainer container)
{
    /// <summary>Moves per stored page, and the API's default page size.</summary>
    public const int PageSize = 1000;

    public Task<LoadedSnapshot?> GetLoadedAsync(string runId, CancellationToken cancellationToken) =>
        ReadAsync<LoadedSnapshot>(LoadedPath(runId), cancellationToken);

    public Task<LoadedSnapshot> PutLoadedAsync(string runId, LoadedSnapshot loaded, CancellationToken cancellationToken) =>
        WriteAsync(LoadedPath(runId), loaded, cancellationToken);

    public Task<StageMoves?> GetStageAsync(string blob, CancellationToken cancellationToken) =>
        ReadAsync<StageMoves>(blob, cancellationToken);

    public Task<StageMoves> PutStageAsync(string blob, StageMoves moves, CancellationToken cancellationToken) =>
        WriteAsync(blob, moves, cancellationToken);

    public Task<StoredPlan?> GetPlanAsync(string runId, CancellationToken cancellationToken) =>
        ReadAsync<StoredPlan>(PlanPath(runId), cancellationToken);

    /// <summary>Stores a plan: its pages and refs first, its header last (the header's presence means "stored").</summary>
    public async Task<StoredPlan> PutPlanAsync(string runId, StoredPlan plan, IReadOnlyList<ProposedMove> moves, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(moves);
        for (var page = 0; page < plan.Pages; page++)
        {
            var rows = moves.Skip(page * PageSize).Take(PageSize).ToList();
            await WriteAsync(PagePath(runId, page), rows, cancellationToken).ConfigureAwait(false);
        }

        await WriteAsync(RefsPath(runId), moves.Select(m => m.Ref).ToList(), cancellationToken).ConfigureAwait(false);
        return await WriteAsync(PlanPath(runId), plan, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ProposedMove>> GetPageAsync(string runId, int page, CancellationToken cancellationToken) =>
        await ReadAsync<List<ProposedMove>>(PagePath(runId, page), cancellationToken).ConfigureAwait(false) ?? [];

    public async Task<IReadOnlyList<MoveRef>> GetRefsAsync(string runId, CancellationToken cancellationToken) =>
        await ReadAsync<List<MoveRef>>(RefsPath(runId), cancellationToken).ConfigureAwait(false) ?? [];

    /// <summary>Every move of the plan, page by page.</summary>
    public async IAsyncEnumerable<ProposedMove> ReadMovesAsync(string runId, StoredPlan plan, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        for (var page = 0; page < plan.Pages; page++)
        {
            foreach (var move in await GetPageAsync(runId, page, cancellationToken).ConfigureAwait(false))
            {
                yield return move;
            }
        }
    }

    public static string StageBlob(string runId, string stage, int? clusterIndex) =>
        clusterIndex is null ? $"{runId}/stages/{stage}.json" : $"{runId}/stages/{stage}-{clusterIndex.Value.ToString(CultureInfo.InvariantCulture)}.json";

    public static int PagesFor(int moves) => (moves + PageSize - 1) / PageSize;

    private static string LoadedPath(string runId) => $"{StorageIds.Check(runId, nameof(runId))}/loaded.json";

    private static string PlanPath(string runId) => $"{StorageIds.Check(runId, nameof(runId))}/plan/plan.json";

    private static string RefsPath(string runId) => $"{StorageIds.Check(runId, nameof(runId))}/plan/refs.json";

    private static string PagePath(string runId, int page) =>
        $"{StorageIds.Check(runId, nameof(runId))}/plan/moves-{page.ToString("D5", CultureInfo.InvariantCulture)}.json";

    private async Task<T?> ReadAsync<T>(string path, CancellationToken cancellationToken) where T : class
    {
        var blob = await container.GetAsync(path, cancellationToken).ConfigureAwait(false);
        return blob is null ? null : JsonSerializer.Deserialize<T>(blob.Content, StorageJson.Options);
    }

    private async Task<T> WriteAsync<T>(string path, T value, CancellationToken cancellationToken) where T : class
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, StorageJson.Options);
        if (await container.CreateIfAbsentAsync(path, bytes, BlobContentTypes.Json, cancellationToken).ConfigureAwait(false))
        {
            return value;
        }

        // Written before (a retried step): the first write wins and is what every later step reads.
        return await ReadAsync<T>(path, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"blob '{container.Name}/{path}' exists but cannot be read");
    }
}
