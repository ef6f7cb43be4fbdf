using System.Xml.Linq;
using Azure.Core;
using Azure.Core.Pipeline;
using Rebalancing.Functions.Storage.Blobs;

namespace Rebalancing.Functions.Storage.Azure;

/// <summary>
/// A Blob storage container through the REST API: block blobs put whole in one request
/// (<c>If-None-Match: *</c> to create, <c>If-Match</c> to replace), so a blob is never half-written.
/// Replaceable by <c>Azure.Storage.Blobs</c>' <c>BlobContainerClient</c> where it restores (docs/storage.md).
/// </summary>
internal sealed class RestBlobContainer(HttpPipeline pipeline, Uri blobEndpoint, string name) : StorageRestClient(pipeline, blobEndpoint), IBlobContainer
{
    private static readonly int[] Created = [201];
    private static readonly int[] CreatedOrExists = [201, 409, 412];
    private static readonly int[] FoundOrMissing = [200, 404];
    private static readonly int[] ReplacedOrStale = [201, 404, 409, 412];
    private volatile bool ensured;

    public string Name { get; } = name;

    public async Task<bool> CreateIfAbsentAsync(string path, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken)
    {
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        using var message = CreateMessage(RequestMethod.Put, BlobPath(path), RequestContent.Create(content), contentType);
        message.Request.Headers.SetValue("x-ms-blob-type", "BlockBlob");
        message.Request.Headers.SetValue("If-None-Match", "*");
        var response = await SendAsync(message, $"Create blob {Name}/{path}", CreatedOrExists, cancellationToken).ConfigureAwait(false);
        return Created.Contains(response.Status);
    }

    public async Task<BlobContent?> GetAsync(string path, CancellationToken cancellationToken)
    {
        using var message = CreateMessage(RequestMethod.Get, BlobPath(path));
        var response = await SendAsync(message, $"Read blob {Name}/{path}", FoundOrMissing, cancellationToken).ConfigureAwait(false);
        if (response.Status == 404)
        {
            return null;
        }

        var etag = response.Headers.ETag?.ToString("H") ?? throw new InvalidDataException($"Blob {Name}/{path} came back without an ETag.");
        return new(response.Content.ToArray(), etag);
    }

    public async Task<bool> ReplaceAsync(string path, ReadOnlyMemory<byte> content, string contentType, string ifMatch, CancellationToken cancellationToken)
    {
        using var message = CreateMessage(RequestMethod.Put, BlobPath(path), RequestContent.Create(content), contentType);
        message.Request.Headers.SetValue("x-ms-blob-type", "BlockBlob");
        message.Request.Headers.SetValue("If-Match", ifMatch);
        var response = await SendAsync(message, $"Replace blob {Name}/{path}", ReplacedOrStale, cancellationToken).ConfigureAwait(false);
        return response.Status == 201;
    }

    public async Task<IReadOnlyList<string>> ListTopLevelFoldersAsync(CancellationToken cancellationToken)
    {
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        var folders = new List<string>();
        var marker = string.Empty;
        do
        {
            var query = $"{Name}?restype=container&comp=list&delimiter=%2F" + (marker.Length > 0 ? "&marker=" + Uri.EscapeDataString(marker) : string.Empty);
            using var message = CreateMessage(RequestMethod.Get, query);
            var response = await SendAsync(message, $"List container {Name}", [200], cancellationToken).ConfigureAwait(false);
            var results = XDocument.Parse(response.Content.ToString()).Root;
            folders.AddRange(
                results?.Element("Blobs")?.Elements("BlobPrefix").Select(p => p.Element("Name")?.Value.TrimEnd('/')).OfType<string>() ?? []);
            marker = results?.Element("NextMarker")?.Value ?? string.Empty;
        }
        while (marker.Length > 0);

        return [.. folders.Order(StringComparer.Ordinal)];
    }

    public async Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        var paths = new List<string>();
        var marker = string.Empty;
        do
        {
            var query = $"{Name}?restype=container&comp=list&prefix={Uri.EscapeDataString(prefix)}" + (marker.Length > 0 ? "&marker=" + Uri.EscapeDataString(marker) : string.Empty);
            using var message = CreateMessage(RequestMethod.Get, query);
            var response = await SendAsync(message, $"List container {Name}", [200], cancellationToken).ConfigureAwait(false);
            var results = XDocument.Parse(response.Content.ToString()).Root;
            paths.AddRange(results?.Element("Blobs")?.Elements("Blob").Select(b => b.Element("Name")?.Value).OfType<string>() ?? []);
            marker = results?.Element("NextMarker")?.Value ?? string.Empty;
        }
        while (marker.Length > 0);

        return [.. paths.Order(StringComparer.Ordinal)];
    }

    public async Task CheckHealthAsync(CancellationToken cancellationToken)
    {
        ensured = false;
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (ensured)
        {
            return;
        }

        // Idempotent (created, or already there), so concurrent first calls may both send it.
        using var message = CreateMessage(RequestMethod.Put, $"{Name}?restype=container");
        await SendAsync(message, $"Create container {Name}", [201, 409], cancellationToken).ConfigureAwait(false);
        ensured = true;
    }

    private string BlobPath(string path) =>
        Name + "/" + string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
}
