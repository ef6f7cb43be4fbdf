using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rebalancing.Functions.Storage.Documents;

/// <summary>
/// <see cref="IRunStore"/> over two collections: <c>runs</c>, partitioned by run id (the run, its
/// work results share one partition), and <c>orgs</c>, partitioned by org id (the
/// active-run claim). Every call is a point operation or a query inside one partition.
/// </summary>
internal sealed class DocumentRunStore(IDocumentCollection runs, IDocumentCollection orgs, TimeProvider time) : IRunStore
{
    internal const string RunType = "run";
    internal const string WorkResultType = "workResult";
    internal const string ActiveRunType = "activeRun";
    internal const string ActiveRunId = "active-run";

    public async Task<CreateResult<RunDocument>> CreateAsync(RunDocument run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        StorageIds.Check(run.RunId, nameof(run));
        StorageIds.Check(run.OrgId, nameof(run));
        var created = await runs.CreateAsync(run.RunId, run.RunId, ToDocument(run, RunType, run.RunId, run.RunId), cancellationToken).ConfigureAwait(false);
        if (created is not null)
        {
            return new(new(run, created.ETag), Created: true);
        }

        var existing = await GetAsync(run.RunId, cancellationToken).ConfigureAwait(false)
            ?? throw new ConcurrencyConflictException($"Run '{run.RunId}' exists but could not be read back.");
        return new(existing, Created: false);
    }

    public async Task<Versioned<RunDocument>?> GetAsync(string runId, CancellationToken cancellationToken)
    {
        StorageIds.Check(runId, nameof(runId));
        var stored = await runs.ReadAsync(runId, runId, cancellationToken).ConfigureAwait(false);
        return stored is null ? null : new(FromDocument<RunDocument>(stored), stored.ETag);
    }

    public async Task<Versioned<RunDocument>> ReplaceAsync(RunDocument run, string etag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentException.ThrowIfNullOrEmpty(etag);
        StorageIds.Check(run.RunId, nameof(run));
        var replaced = await runs.ReplaceAsync(run.RunId, run.RunId, ToDocument(run, RunType, run.RunId, run.RunId), etag, cancellationToken).ConfigureAwait(false)
            ?? throw new ConcurrencyConflictException($"Run '{run.RunId}' changed since ETag {etag} was read (or no longer exists); re-read it and decide again.");
        return new(run, replaced.ETag);
    }

    public async Task<ActiveRunClaim> ClaimActiveRunAsync(string orgId, string runId, CancellationToken cancellationToken)
    {
        StorageIds.Check(orgId, nameof(orgId));
        StorageIds.Check(runId, nameof(runId));
        var claim = new ActiveRunDocument(orgId, runId, time.GetUtcNow());
        for (var attempt = 0; attempt < 10; attempt++)
        {
            if (await orgs.CreateAsync(orgId, ActiveRunId, ToDocument(claim, ActiveRunType, orgId, ActiveRunId), cancellationToken).ConfigureAwait(false) is not null)
            {
                return new(orgId, runId, Claimed: true);
            }

            var holder = await orgs.ReadAsync(orgId, ActiveRunId, cancellationToken).ConfigureAwait(false);
            if (holder is not null)
            {
                var holderRunId = FromDocument<ActiveRunDocument>(holder).RunId;
                return new(orgId, holderRunId, Claimed: string.Equals(holderRunId, runId, StringComparison.Ordinal));
            }

            // Released between our create and our read: try again.
        }

        throw new ConcurrencyConflictException($"The active-run slot of org '{orgId}' kept changing hands; try again.");
    }

    public async Task<string?> GetActiveRunAsync(string orgId, CancellationToken cancellationToken)
    {
        StorageIds.Check(orgId, nameof(orgId));
        var holder = await orgs.ReadAsync(orgId, ActiveRunId, cancellationToken).ConfigureAwait(false);
        return holder is null ? null : FromDocument<ActiveRunDocument>(holder).RunId;
    }

    public async Task<bool> ReleaseActiveRunAsync(string orgId, string runId, CancellationToken cancellationToken)
    {
        StorageIds.Check(orgId, nameof(orgId));
        StorageIds.Check(runId, nameof(runId));
        var holder = await orgs.ReadAsync(orgId, ActiveRunId, cancellationToken).ConfigureAwait(false);
        if (holder is null || !string.Equals(FromDocument<ActiveRunDocument>(holder).RunId, runId, StringComparison.Ordinal))
        {
            return false;
        }

        return await orgs.DeleteAsync(orgId, ActiveRunId, holder.ETag, cancellationToken).ConfigureAwait(false);
    }

    public async Task<CreateResult<WorkResult>> AddWorkResultAsync(WorkResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        StorageIds.Check(result.RunId, nameof(result));
        StorageIds.Check(result.Key, nameof(result));
        var id = "result:" + result.Key;
        var created = await runs.CreateAsync(result.RunId, id, ToDocument(result, WorkResultType, result.RunId, id), cancellationToken).ConfigureAwait(false);
        if (created is not null)
        {
            return new(new(result, created.ETag), Created: true);
        }

        var existing = await runs.ReadAsync(result.RunId, id, cancellationToken).ConfigureAwait(false)
            ?? throw new ConcurrencyConflictException($"Work result '{result.Key}' of run '{result.RunId}' exists but could not be read back.");
        return new(new(FromDocument<WorkResult>(existing), existing.ETag), Created: false);
    }

    public async Task<IReadOnlyList<WorkResult>> ListWorkResultsAsync(string runId, CancellationToken cancellationToken)
    {
        StorageIds.Check(runId, nameof(runId));
        var stored = await runs.QueryAsync(runId, WorkResultType, null, cancellationToken).ConfigureAwait(false);
        return [.. stored.Select(FromDocument<WorkResult>).OrderBy(r => r.Key, StringComparer.Ordinal)];
    }

    public async Task CheckHealthAsync(CancellationToken cancellationToken)
    {
        await runs.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
        await orgs.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
    }


    internal static JsonObject ToDocument<T>(T value, string type, string partitionKey, string id)
    {
        var document = JsonSerializer.SerializeToNode(value, StorageJson.Options)!.AsObject();
        document[DocumentFields.Id] = id;
        document[DocumentFields.PartitionKey] = partitionKey;
        document[DocumentFields.Type] = type;
        return document;
    }

    internal static T FromDocument<T>(StoredDocument stored) =>
        stored.Document.Deserialize<T>(StorageJson.Options)
        ?? throw new InvalidDataException($"Document '{stored.Document[DocumentFields.Id]}' is empty.");

    private sealed record ActiveRunDocument(string OrgId, string RunId, DateTimeOffset ClaimedAt);
}
