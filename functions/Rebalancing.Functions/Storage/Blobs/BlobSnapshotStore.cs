using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace Rebalancing.Functions.Storage.Blobs;

/// <summary>
/// <see cref="ISnapshotStore"/> over two blob containers. Layout of <c>snapshots</c>:
/// <c>{orgId}/{contentHash}.zip</c> (the bundle, content-addressed), <c>{orgId}/{snapshotId}.json</c> (its metadata,
/// whose presence marks the snapshot as stored; the id is the caller's or the content hash) and
/// <c>{orgId}/latest.json</c> (the org's latest, a pointer advanced by compare-and-swap). Layout of <c>rejected</c>:
/// <c>{orgId}/{rejectionId}.zip</c> and <c>{orgId}/{rejectionId}.errors.json</c>.
/// </summary>
internal sealed class BlobSnapshotStore(IBlobContainer snapshots, IBlobContainer rejected, TimeProvider time) : ISnapshotStore
{
    internal const string LatestBlobName = "latest.json";

    public async Task<SnapshotPutResult> PutAsync(SnapshotPut snapshot, ReadOnlyMemory<byte> bundle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        StorageIds.Check(snapshot.OrgId, nameof(snapshot));
        if (snapshot.ContentHash is { } given && !IsContentHash(given))
        {
            throw new ArgumentException("ContentHash must be a lowercase hex SHA-256.", nameof(snapshot));
        }

        // The content's hash: the caller's (the hash of the snapshot's files) or that of the bytes.
        var hash = snapshot.ContentHash ?? ContentHash(bundle.Span);
        if (snapshot.SnapshotId is { } wanted)
        {
            StorageIds.Check(wanted, nameof(snapshot));
            if (CanName(wanted, hash) && await PutAsync(snapshot, wanted, hash, bundle, cancellationToken).ConfigureAwait(false) is { } named)
            {
                return named;
            }

            var byHash = await PutAsync(snapshot, hash, hash, bundle, cancellationToken).ConfigureAwait(false);
            return byHash! with { CallerIdTaken = true };
        }

        return (await PutAsync(snapshot, hash, hash, bundle, cancellationToken).ConfigureAwait(false))!;
    }

    public async Task<byte[]?> GetBundleAsync(string orgId, string snapshotId, CancellationToken cancellationToken)
    {
        // The metadata marks a snapshot as stored (a bundle without it is a put that has not finished) and names the
        // bundle by its content hash.
        if (await GetMetadataAsync(orgId, snapshotId, cancellationToken).ConfigureAwait(false) is not { } metadata)
        {
            return null;
        }

        var blob = await snapshots.GetAsync(BundlePath(orgId, metadata.ContentHash), cancellationToken).ConfigureAwait(false);
        return blob?.Content;
    }

    public async Task<SnapshotMetadata?> GetMetadataAsync(string orgId, string snapshotId, CancellationToken cancellationToken)
    {
        StorageIds.Check(orgId, nameof(orgId));
        if (!StorageIds.IsValid(snapshotId))
        {
            return null;
        }

        var blob = await snapshots.GetAsync(MetadataPath(orgId, snapshotId), cancellationToken).ConfigureAwait(false);
        var metadata = blob is null ? null : JsonSerializer.Deserialize<SnapshotMetadata>(blob.Content, StorageJson.Options);

        // Only a snapshot's own metadata names it (the latest pointer has the same shape but names another id).
        return metadata is not null && string.Equals(metadata.SnapshotId, snapshotId, StringComparison.Ordinal) ? metadata : null;
    }

    public async Task<SnapshotMetadata?> GetLatestAsync(string orgId, CancellationToken cancellationToken)
    {
        StorageIds.Check(orgId, nameof(orgId));
        var blob = await snapshots.GetAsync($"{orgId}/{LatestBlobName}", cancellationToken).ConfigureAwait(false);
        return blob is null ? null : JsonSerializer.Deserialize<SnapshotMetadata>(blob.Content, StorageJson.Options);
    }

    public async Task<IReadOnlyList<string>> ListOrgsAsync(CancellationToken cancellationToken)
    {
        var orgs = new List<string>();
        foreach (var folder in await snapshots.ListTopLevelFoldersAsync(cancellationToken).ConfigureAwait(false))
        {
            // An org counts once its first put has finished (the latest pointer is its last step).
            if (await snapshots.GetAsync($"{folder}/{LatestBlobName}", cancellationToken).ConfigureAwait(false) is not null)
            {
                orgs.Add(folder);
            }
        }

        return orgs;
    }

    public async Task<RejectedSnapshot> PutRejectedAsync(string orgId, ReadOnlyMemory<byte> bundle, string errorReportJson, CancellationToken cancellationToken)
    {
        StorageIds.Check(orgId, nameof(orgId));
        ArgumentNullException.ThrowIfNull(errorReportJson);
        var at = time.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var rejectionId = $"{at}-{ContentHash(bundle.Span)}";
        var bundlePath = $"{orgId}/{rejectionId}.zip";
        var reportPath = $"{orgId}/{rejectionId}.errors.json";
        await rejected.CreateIfAbsentAsync(bundlePath, bundle, BlobContentTypes.Zip, cancellationToken).ConfigureAwait(false);
        await rejected.CreateIfAbsentAsync(reportPath, System.Text.Encoding.UTF8.GetBytes(errorReportJson), BlobContentTypes.Json, cancellationToken).ConfigureAwait(false);
        return new(orgId, rejectionId, $"{rejected.Name}/{bundlePath}", $"{rejected.Name}/{reportPath}");
    }

    public Task CheckHealthAsync(CancellationToken cancellationToken) => snapshots.CheckHealthAsync(cancellationToken);

    /// <summary>Lowercase hex SHA-256 of the bytes.</summary>
    public static string ContentHash(ReadOnlySpan<byte> content) => Convert.ToHexStringLower(SHA256.HashData(content));

    private async Task AdvanceLatestAsync(SnapshotMetadata candidate, CancellationToken cancellationToken)
    {
        var path = $"{candidate.OrgId}/{LatestBlobName}";
        var body = JsonSerializer.SerializeToUtf8Bytes(candidate, StorageJson.Options);
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var current = await snapshots.GetAsync(path, cancellationToken).ConfigureAwait(false);
            if (current is null)
            {
                if (await snapshots.CreateIfAbsentAsync(path, body, BlobContentTypes.Json, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }

                continue;
            }

            var latest = JsonSerializer.Deserialize<SnapshotMetadata>(current.Content, StorageJson.Options)!;
            if (!IsLater(candidate, latest))
            {
                return;
            }

            if (await snapshots.ReplaceAsync(path, body, BlobContentTypes.Json, current.ETag, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }

        throw new ConcurrencyConflictException($"The latest-snapshot pointer of org '{candidate.OrgId}' kept changing; put the snapshot again.");
    }

    private static bool IsLater(SnapshotMetadata candidate, SnapshotMetadata latest)
    {
        var byTime = candidate.StoredAt.CompareTo(latest.StoredAt);
        return byTime > 0 || (byTime == 0 && string.CompareOrdinal(candidate.ContentHash, latest.ContentHash) > 0);
    }

    /// <summary>
    /// Stores the snapshot under <paramref name="id"/>: null when that id already names other content. Three steps,
    /// each safe to repeat: the bundle (create-only, named by its hash, so an existing blob holds this content), the
    /// metadata (create-only: whoever writes it first stored the snapshot), the latest pointer.
    /// </summary>
    private async Task<SnapshotPutResult?> PutAsync(SnapshotPut snapshot, string id, string hash, ReadOnlyMemory<byte> bundle, CancellationToken cancellationToken)
    {
        await snapshots.CreateIfAbsentAsync(BundlePath(snapshot.OrgId, hash), bundle, BlobContentTypes.Zip, cancellationToken).ConfigureAwait(false);

        var metadata = new SnapshotMetadata(snapshot.OrgId, id, hash, bundle.Length, snapshot.Rows, snapshot.AsOf, time.GetUtcNow());
        var created = await snapshots.CreateIfAbsentAsync(
            MetadataPath(snapshot.OrgId, id), JsonSerializer.SerializeToUtf8Bytes(metadata, StorageJson.Options), BlobContentTypes.Json, cancellationToken).ConfigureAwait(false);
        if (!created)
        {
            var existing = await snapshots.GetAsync(MetadataPath(snapshot.OrgId, id), cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidDataException($"Snapshot metadata '{MetadataPath(snapshot.OrgId, id)}' exists but could not be read.");
            metadata = JsonSerializer.Deserialize<SnapshotMetadata>(existing.Content, StorageJson.Options)!;
            if (!string.Equals(metadata.SnapshotId, id, StringComparison.Ordinal) || !string.Equals(metadata.ContentHash, hash, StringComparison.Ordinal))
            {
                return null;
            }
        }

        // Also on a repeated put, so a crash between the metadata and the pointer heals on retry.
        await AdvanceLatestAsync(metadata, cancellationToken).ConfigureAwait(false);
        return new(metadata, created);
    }

    /// <summary>
    /// Whether a caller's id may name this content: not the latest pointer's name (in any case, for file systems
    /// that ignore it), and not shaped like a content hash unless it is this content's, so a hash-named snapshot is
    /// always the content its name says.
    /// </summary>
    private static bool CanName(string id, string hash) =>
        !string.Equals(id + ".json", LatestBlobName, StringComparison.OrdinalIgnoreCase)
        && (!IsContentHash(id) || string.Equals(id, hash, StringComparison.Ordinal));

    private static string BundlePath(string orgId, string hash) => $"{orgId}/{hash}.zip";

    private static string MetadataPath(string orgId, string snapshotId) => $"{orgId}/{snapshotId}.json";

    private static bool IsContentHash(string? value) =>
        value is { Length: 64 } && value.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');
}
