namespace Rebalancing.Functions.Storage;

/// <summary>
/// Run documents, the org's active-run claim, and a run's create-if-absent work results (its
/// decisions and approval links). Every write is conditional: a stale ETag gets <see cref="ConcurrencyConflictException"/>,
/// never a silent win. Every access is a point read or a query inside one run's (or org's) partition.
/// </summary>
internal interface IRunStore
{
    /// <summary>Creates the run unless one with its id exists; returns the stored run either way.</summary>
    Task<CreateResult<RunDocument>> CreateAsync(RunDocument run, CancellationToken cancellationToken);

    /// <summary>Point read; null when the run does not exist.</summary>
    Task<Versioned<RunDocument>?> GetAsync(string runId, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the run if it still has <paramref name="etag"/>.
    /// </summary>
    /// <exception cref="ConcurrencyConflictException">The run changed (or vanished) since <paramref name="etag"/> was read.</exception>
    Task<Versioned<RunDocument>> ReplaceAsync(RunDocument run, string etag, CancellationToken cancellationToken);

    /// <summary>Claims the org's single active-run slot for <paramref name="runId"/>; a later claimer learns the holder.</summary>
    Task<ActiveRunClaim> ClaimActiveRunAsync(string orgId, string runId, CancellationToken cancellationToken);

    /// <summary>The run holding the org's active-run slot, or null.</summary>
    Task<string?> GetActiveRunAsync(string orgId, CancellationToken cancellationToken);

    /// <summary>Releases the slot if <paramref name="runId"/> holds it; returns whether it did.</summary>
    Task<bool> ReleaseActiveRunAsync(string orgId, string runId, CancellationToken cancellationToken);

    /// <summary>Stores a work item's result unless one with the same key is stored (the first result wins).</summary>
    Task<CreateResult<WorkResult>> AddWorkResultAsync(WorkResult result, CancellationToken cancellationToken);

    /// <summary>All work results of a run, ordered by key (one partition).</summary>
    Task<IReadOnlyList<WorkResult>> ListWorkResultsAsync(string runId, CancellationToken cancellationToken);




    /// <summary>Checks that the store answers (for the health endpoint).</summary>
    Task CheckHealthAsync(CancellationToken cancellationToken);
}
