using System.Text.Json;
using Rebalancing.Engine.Input;
using Rebalancing.Engine.Synthetic;
using Rebalancing.Functions.Storage;

namespace Rebalancing.Functions.Snapshots;

/// <summary>A problem with an uploaded snapshot, as the API reports it.</summary>
internal sealed record SnapshotError(string File, int? Line, string Message);

/// <summary>How an ingestion ended: stored (or already stored), or rejected with its errors.</summary>
internal sealed record SnapshotIngestResult(SnapshotPutResult? Stored, IReadOnlyList<SnapshotError> Errors, RejectedSnapshot? Rejected)
{
    public bool IsValid => Stored is not null;

    /// <summary>What the loader warned about (unknown columns, files it ignores, stores without inventory): planning goes on.</summary>
    public IReadOnlyList<SnapshotError> Warnings { get; init; } = [];
}

/// <summary>Event types of ingestion.</summary>
internal static class SnapshotEventTypes
{
    public const string Ingested = "snapshot.ingested";
    public const string Rejected = "snapshot.rejected";
    public const string IngestionFailed = "snapshot.ingestion-failed";
}

/// <summary>
/// Validates a snapshot bundle with the engine's loader and stores it immutably; an invalid bundle is kept under
/// <c>rejected/</c> with its error report, and either way an event is published. Used by the HTTP upload and the
/// ingestion queue alike.
/// </summary>
internal sealed class SnapshotIngestion(ISnapshotStore snapshots, IEventSink events, TimeProvider time, StorageServices stores)
{
    /// <summary>The paths under the <c>incoming</c> container (folder), relative to it.</summary>
    public async Task<IReadOnlyList<string>> ListIncomingAsync(CancellationToken cancellationToken) =>
        stores.Incoming is { } container ? await container.ListAsync("", cancellationToken).ConfigureAwait(false) : [];

    /// <summary>A bundle dropped in the <c>incoming</c> container (folder); a missing one throws, so the message is redelivered.</summary>
    public async Task<byte[]> ReadIncomingAsync(string path, CancellationToken cancellationToken)
    {
        var container = stores.Incoming ?? throw new InvalidOperationException("This backend has no incoming container.");
        var blob = await container.GetAsync(path, cancellationToken).ConfigureAwait(false)
            ?? throw new FileNotFoundException($"No blob 'incoming/{path}' (yet).");
        return blob.Content;
    }

    public async Task<SnapshotIngestResult> IngestAsync(string orgId, ReadOnlyMemory<byte> bundle, CancellationToken cancellationToken)
    {
        StorageIds.Check(orgId, nameof(orgId));
        var (contents, load, zipError) = Load(bundle);
        List<SnapshotError> errors = load is null || contents is null
            ? [new SnapshotError("(bundle)", null, zipError ?? "not a zip archive")]
            : [.. contents.Errors, .. load.Errors.Select(p => new SnapshotError(p.File, p.Line, p.Message))];
        if (load?.Snapshot is { } loaded && !string.Equals(loaded.Header.OrgId, orgId, StringComparison.Ordinal))
        {
            // A snapshot names its org: storing another org's snapshot under this one would plan the wrong network.
            errors.Add(new SnapshotError(SnapshotFiles.Header, null, $"org_id '{loaded.Header.OrgId}' is not the org of the URL, '{orgId}'"));
        }

        if (load is null || errors.Count > 0)
        {
            var report = JsonSerializer.Serialize(new { orgId, errors }, StorageJson.Options);
            var rejected = await snapshots.PutRejectedAsync(orgId, bundle, report, cancellationToken).ConfigureAwait(false);
            await PublishAsync($"rejected:{orgId}:{rejected.RejectionId}", SnapshotEventTypes.Rejected, new { orgId, rejected.RejectionId, rejected.ReportPath, errors = errors.Count }, cancellationToken).ConfigureAwait(false);
            return new(null, errors, rejected);
        }

        var snapshot = load.Snapshot!;
        var rows = new Dictionary<string, long>(StringComparer.Ordinal)
        {
            [NetworkGenerator.NodesFile] = snapshot.Nodes.Length,
            [NetworkGenerator.ProductsFile] = snapshot.Products.Length,
            [NetworkGenerator.InventoryFile] = snapshot.Inventory.Count,
            [NetworkGenerator.FreightFile] = snapshot.Freight.Length,
            [NetworkGenerator.RecentMovesFile] = snapshot.RecentMoves.Length,
        };
        // The caller's snapshot_id names the snapshot when it can; otherwise its content hash does, and a warning says why.
        List<SnapshotError> warnings = [.. contents!.Warnings, .. load.Warnings.Select(p => new SnapshotError(p.File, p.Line, p.Message))];
        var callerId = string.IsNullOrEmpty(snapshot.Header.SnapshotId) ? null : snapshot.Header.SnapshotId;
        if (callerId is not null && !StorageIds.IsValid(callerId))
        {
            warnings.Add(new SnapshotError(SnapshotFiles.Header, null,
                $"snapshot_id '{callerId}' cannot name a stored snapshot (at most {StorageIds.MaxLength} letters, digits, '-', '_', '.' or ':'); its content hash names it"));
            callerId = null;
        }

        var stored = await snapshots.PutAsync(new SnapshotPut(orgId, rows, snapshot.Header.AsOf, contents.ContentHash, callerId), bundle, cancellationToken).ConfigureAwait(false);
        if (stored.CallerIdTaken)
        {
            warnings.Add(new SnapshotError(SnapshotFiles.Header, null,
                $"snapshot_id '{callerId}' already names other content of org '{orgId}' (or is reserved); this snapshot is named by its content hash"));
        }

        if (stored.Created)
        {
            var m = stored.Metadata;
            await PublishAsync($"snapshot:{orgId}:{m.SnapshotId}", SnapshotEventTypes.Ingested, new { orgId, m.SnapshotId, m.ContentHash, m.Rows }, cancellationToken).ConfigureAwait(false);
        }

        return new(stored, [], null) { Warnings = warnings };
    }

    /// <summary>The zip's entries (refused paths, ignored files, the content hash), then the engine's load of it.</summary>
    private static (SnapshotBundle? Contents, SnapshotLoadResult? Load, string? ZipError) Load(ReadOnlyMemory<byte> bundle)
    {
        try
        {
            var contents = SnapshotBundle.Read(bundle);
            using var stream = new MemoryStream(bundle.ToArray(), writable: false);
            using var source = new ZipSnapshotSource(stream);
            return (contents, SnapshotLoader.Load(source), null);
        }
        catch (InvalidDataException e)
        {
            return (null, null, "the body is not a readable zip archive: " + e.Message);
        }
    }

    private Task PublishAsync(string eventId, string type, object data, CancellationToken cancellationToken) =>
        events.PublishAsync("", new OutboxEvent(eventId, type, time.GetUtcNow(), JsonSerializer.SerializeToElement(data, StorageJson.Options)), cancellationToken);
}
