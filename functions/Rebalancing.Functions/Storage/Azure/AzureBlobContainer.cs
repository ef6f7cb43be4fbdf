using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Rebalancing.Functions.Storage.Blobs;

namespace Rebalancing.Functions.Storage.Azure;

/// <summary>
/// A Blob storage container through <c>Azure.Storage.Blobs</c>. Writes are block-blob uploads with a
/// condition (<c>If-None-Match: *</c> to create, <c>If-Match</c> to replace): the service commits a
/// blob whole, so a reader never sees a part. The container is created on first use.
/// </summary>
internal sealed class AzureBlobContainer(BlobContainerClient container) : IBlobContainer
{
    private volatile bool ensured;

    public string Name => container.Name;

    public Task<bool> CreateIfAbsentAsync(string path, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken) =>
        RunAsync($"Create blob {Name}/{path}", async () =>
        {
            await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
            var conditions = new BlobRequestConditions { IfNoneMatch = ETag.All };
            try
            {
                await UploadAsync(path, content, contentType, conditions, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // The blob exists (409 BlobAlreadyExists; 412 when a concurrent create won the race).
                return false;
            }
        }, cancellationToken);

    public Task<BlobContent?> GetAsync(string path, CancellationToken cancellationToken) =>
        RunAsync<BlobContent?>($"Read blob {Name}/{path}", async () =>
        {
            try
            {
                var download = await container.GetBlobClient(path).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
                return new(download.Value.Content.ToArray(), download.Value.Details.ETag.ToString("H"));
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                // BlobNotFound, or ContainerNotFound before the first write.
                return null;
            }
        }, cancellationToken);

    public Task<bool> ReplaceAsync(string path, ReadOnlyMemory<byte> content, string contentType, string ifMatch, CancellationToken cancellationToken) =>
        RunAsync($"Replace blob {Name}/{path}", async () =>
        {
            var conditions = new BlobRequestConditions { IfMatch = new ETag(ifMatch) };
            try
            {
                await UploadAsync(path, content, contentType, conditions, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException e) when (e.Status is 404 or 409 or 412)
            {
                // Changed (412) or gone (404) since the caller read it.
                return false;
            }
        }, cancellationToken);

    public Task<IReadOnlyList<string>> ListTopLevelFoldersAsync(CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<string>>($"List container {Name}", async () =>
        {
            await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
            var folders = new List<string>();
            await foreach (var item in container.GetBlobsByHierarchyAsync(BlobTraits.None, BlobStates.None, "/", prefix: null, cancellationToken).ConfigureAwait(false))
            {
                if (item.IsPrefix)
                {
                    folders.Add(item.Prefix.TrimEnd('/'));
                }
            }

            return [.. folders.Order(StringComparer.Ordinal)];
        }, cancellationToken);

    public Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        return RunAsync<IReadOnlyList<string>>($"List container {Name}", async () =>
        {
            await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
            var paths = new List<string>();
            await foreach (var item in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix.Length > 0 ? prefix : null, cancellationToken).ConfigureAwait(false))
            {
                paths.Add(item.Name);
            }

            return [.. paths.Order(StringComparer.Ordinal)];
        }, cancellationToken);
    }

    public Task CheckHealthAsync(CancellationToken cancellationToken) =>
        RunAsync($"Create container {Name}", async () =>
        {
            ensured = false;
            await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    private Task<Response<BlobContentInfo>> UploadAsync(string path, ReadOnlyMemory<byte> content, string contentType, BlobRequestConditions conditions, CancellationToken cancellationToken) =>
        container.GetBlobClient(path).UploadAsync(
            BinaryData.FromBytes(content),
            new BlobUploadOptions { Conditions = conditions, HttpHeaders = new BlobHttpHeaders { ContentType = contentType } },
            cancellationToken);

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (ensured)
        {
            return;
        }

        // Idempotent (created, or already there), so concurrent first calls may both send it.
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        ensured = true;
    }

    private Task<T> RunAsync<T>(string operation, Func<Task<T>> action, CancellationToken cancellationToken) =>
        AzureStorageCall.RunAsync(container.Uri, operation, action, cancellationToken);
}
