using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace Rebalancing.Functions.Storage.Blobs;

/// <summary>
/// <see cref="ISnapshotStore"/> over two blob containers. Layout of <c>snapshots</c>:
/// <c>{orgId}/{contentHash}.zip</c> (the bundle), <c>{orgId}/{contentHash}.json</c> (its metadata,
/// whose presence marks the snapshot as stored) and <c>{orgId}/latest.json</c> (the org's latest, a
/// pointer advanced by compare-and-swap). Layout of <c>rejected</c>:
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

        // The id is the content's hash: the caller's (the hash of the snapshot's files) or that of the bytes.
        var hash = snapshot.ContentHash ?? ContentHash(bundle.Span);

        // 1. The bundle, create-only: its name is its hash, so an existing blob already holds this content.
        await snapshots.CreateIfAbsentAsync(BundlePath(snapshot.OrgId, hash), bundle, BlobContentTypes.Zip, cancellationToken).ConfigureAwait(false);

        // 2. The metadata, create-only: whoever writes it first stored the snapshot; later puts get that metadata back.
        var metadata = new SnapshotMetadata(snapshot.OrgId, hash, hash, bundle.Length, snapshot.Rows, snapshot.AsOf, time.GetUtcNow());
        var created = await snapshots.CreateIfAbsentAsync(
            MetadataPath(snapshot.OrgId, hash), JsonSerializer.SerializeToUtf8Bytes(metadata, StorageJson.Options), BlobContentTypes.Json, cancellationToken).ConfigureAwait(false);
        if (!created)
        {
            metadata = await GetMetadataAsync(snapshot.OrgId, hash, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidDataException($"Snapshot metadata '{MetadataPath(snapshot.OrgId, hash)}' exists but could not be read.");
        }

        // 3. The latest pointer, also on a repeated put, so a crash between 2 and 3 heals on retry.
        await AdvanceLatestAsync(metadata, cancellationToken).ConfigureAwait(false);
        return new(metadata, created);
    }

    public async Task<byte[]?> GetBundleAsync(string orgId, string snapshotId, CancellationToken cancellationToken)
    {
        StorageIds.Check(orgId, nameof(orgId));
        if (!IsContentHash(snapshotId))
        {
            return null;
        }

        // The metadata marks a snapshot as stored; a bundle without it is a put that has not finished.
        if (await GetMetadataAsync(orgId, snapshotId, cancellationToken).ConfigureAwait(false) is null)
        {
            return null;
        }

        var blob = await snapshots.GetAsync(BundlePath(orgId, snapshotId), cancellationToken).ConfigureAwait(false);
        return blob?.Content;
    }

    public async Task<SnapshotMetadata?> GetMetadataAsync(string orgId, string snapshotId, CancellationToken cancellationToken)
    {
        StorageIds.Check(orgId, nameof(orgId));
        if (!IsContentHash(snapshotId))
        {
            return null;
        }

        var blob = await snapshots.GetAsync(MetadataPath(orgId, snapshotId), cancellationToken).ConfigureAwait(false);
        return blob is null ? null : JsonSerializer.Deserialize<SnapshotMetadata>(blob.Content, StorageJson.Options);
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

    private static string BundlePath(string orgId, string hash) => $"{orgId}/{hash}.zip";

    private static string MetadataPath(string orgId, string hash) => $"{orgId}/{hash}.json";

    private static bool IsContentHash(string? value) =>
        value is { Length: 64 } && value.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');
}
