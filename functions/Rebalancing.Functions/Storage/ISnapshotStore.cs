namespace Rebalancing.Functions.Storage;

/// <summary>
/// Immutable snapshot bundles (the snapshot folder zipped), keyed by organisation and content hash.
/// The snapshot id is the content hash: the same content always gets the same id, on every adapter (the content is
/// the bundle's bytes, or what <see cref="SnapshotPut.ContentHash"/> names when the caller passes it).
/// </summary>
internal interface ISnapshotStore
{
    /// <summary>
    /// Stores <paramref name="bundle"/> under the caller's id, or its content hash when it has none, unless the org
    /// already holds the same content under that id: then nothing is written and the existing metadata comes back
    /// with <see cref="SnapshotPutResult.Created"/> false. A caller's id that names other content (or is reserved) is
    /// not used: the content hash names the snapshot and <see cref="SnapshotPutResult.CallerIdTaken"/> says so.
    /// Stored content is never overwritten.
    /// </summary>
    Task<SnapshotPutResult> PutAsync(SnapshotPut snapshot, ReadOnlyMemory<byte> bundle, CancellationToken cancellationToken);

    /// <summary>The stored bundle bytes, or null when the org has no such snapshot.</summary>
    Task<byte[]?> GetBundleAsync(string orgId, string snapshotId, CancellationToken cancellationToken);

    /// <summary>The stored metadata, or null when the org has no such snapshot.</summary>
    Task<SnapshotMetadata?> GetMetadataAsync(string orgId, string snapshotId, CancellationToken cancellationToken);

    /// <summary>The org's latest snapshot (by stored-at, then content hash): a point read of a per-org pointer.</summary>
    Task<SnapshotMetadata?> GetLatestAsync(string orgId, CancellationToken cancellationToken);

    /// <summary>The orgs that have stored at least one snapshot, in ordinal order (a blob listing by prefix, not a query).</summary>
    Task<IReadOnlyList<string>> ListOrgsAsync(CancellationToken cancellationToken);

    /// <summary>Keeps a bundle that failed validation under <c>rejected/</c>, beside its error report.</summary>
    Task<RejectedSnapshot> PutRejectedAsync(string orgId, ReadOnlyMemory<byte> bundle, string errorReportJson, CancellationToken cancellationToken);

    /// <summary>Checks that the store answers (for the health endpoint).</summary>
    Task CheckHealthAsync(CancellationToken cancellationToken);
}
