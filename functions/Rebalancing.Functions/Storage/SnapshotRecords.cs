namespace Rebalancing.Functions.Storage;

/// <summary>What the caller knows about a snapshot it stores; the store computes hash, size and stored-at.</summary>
/// <param name="OrgId">The organisation (a path-safe id: letters, digits, '-', '_', '.').</param>
/// <param name="Rows">Row counts per file of the snapshot, as the loader read them.</param>
/// <param name="AsOf">The instant the snapshot describes.</param>
/// <param name="ContentHash">
/// The hash of the snapshot's content (lowercase hex SHA-256) when the caller judges sameness by content rather than
/// by bytes: ingestion passes the hash of the zip's files (<c>Snapshots/SnapshotBundle</c>), so the same files zipped
/// again are the same snapshot. Absent: the SHA-256 of the bundle's bytes.
/// </param>
/// <param name="SnapshotId">
/// The caller's name for the snapshot (<c>snapshot_id</c> of <c>snapshot.json</c>), a valid storage id. Absent, or
/// already naming other content: the content hash names the snapshot.
/// </param>
internal sealed record SnapshotPut(string OrgId, IReadOnlyDictionary<string, long> Rows, DateTimeOffset AsOf, string? ContentHash = null, string? SnapshotId = null);

/// <summary>Metadata kept beside every stored bundle: what the ledger needs for temporal truth.</summary>
internal sealed record SnapshotMetadata(
    string OrgId,
    string SnapshotId,
    string ContentHash,
    long SizeBytes,
    IReadOnlyDictionary<string, long> Rows,
    DateTimeOffset AsOf,
    DateTimeOffset StoredAt);

/// <summary>The outcome of a put: the stored (or already present) metadata, and whether this call stored it.</summary>
internal sealed record SnapshotPutResult(SnapshotMetadata Metadata, bool Created)
{
    /// <summary>
    /// The caller's <see cref="SnapshotPut.SnapshotId"/> could not name this content (it names other content of the
    /// org, or is reserved), so the content hash names it.
    /// </summary>
    public bool CallerIdTaken { get; init; }
}

/// <summary>Where a rejected bundle and its error report were kept.</summary>
internal sealed record RejectedSnapshot(string OrgId, string RejectionId, string BundlePath, string ReportPath);
