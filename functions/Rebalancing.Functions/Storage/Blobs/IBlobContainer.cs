namespace Rebalancing.Functions.Storage.Blobs;

/// <summary>
/// The few blob operations the snapshot store needs: create-only puts (<c>If-None-Match: *</c>),
/// reads with an ETag, and replaces conditioned on it (<c>If-Match</c>). Every write is whole:
/// a reader sees the old content or the new, never a part.
/// </summary>
internal interface IBlobContainer
{
    string Name { get; }

    /// <summary>Writes the blob unless it exists; false (nothing written) when it does.</summary>
    Task<bool> CreateIfAbsentAsync(string path, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken);

    /// <summary>The blob and its ETag; null when absent.</summary>
    Task<BlobContent?> GetAsync(string path, CancellationToken cancellationToken);

    /// <summary>Overwrites the blob if its ETag is still <paramref name="ifMatch"/>; false when it changed or vanished.</summary>
    Task<bool> ReplaceAsync(string path, ReadOnlyMemory<byte> content, string contentType, string ifMatch, CancellationToken cancellationToken);

    /// <summary>The top-level folder names (blob name prefixes up to the first '/'), in ordinal order.</summary>
    Task<IReadOnlyList<string>> ListTopLevelFoldersAsync(CancellationToken cancellationToken);

    /// <summary>The paths of the blobs whose path starts with <paramref name="prefix"/> (all when empty), in ordinal order.</summary>
    Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken);

    Task CheckHealthAsync(CancellationToken cancellationToken);
}

/// <summary>A blob's bytes and ETag.</summary>
internal sealed record BlobContent(byte[] Content, string ETag);

internal static class BlobContentTypes
{
    public const string Zip = "application/zip";
    public const string Json = "application/json";
}
