using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Rebalancing.Functions.Application;
using Rebalancing.Functions.Storage;

namespace Rebalancing.Functions.Snapshots;

/// <summary>A message of the ingestion queue: the org and where its snapshot bundle is.</summary>
/// <param name="BlobPath">A path under <c>incoming/</c> (the container, or the data dir's folder).</param>
/// <param name="Url">An https URL starting with one of <c>Rebalancing:Ingestion:AllowedUrlPrefixes</c>.</param>
internal sealed record IngestMessage(string? OrgId, string? BlobPath, Uri? Url);

/// <summary>
/// How snapshots come in: uploaded over HTTP, or dropped under <c>incoming/{orgId}/</c>, swept by a timer into the
/// ingestion queue and ingested by its queue trigger. Every path validates with the engine's loader and stores the
/// snapshot immutably, or keeps the rejected bundle with its error report.
/// </summary>
internal sealed partial class SnapshotFunctions(
    SnapshotIngestion ingestion, StorageServices stores, IHttpClientFactory http, IOptions<RebalancingOptions> options, TimeProvider time, IEventSink events, ILogger<SnapshotFunctions> logger)
{
    /// <summary>The largest bundle an upload or an ingestion takes.</summary>
    public const long MaxBundleBytes = 256L * 1024 * 1024;

    public const string HttpClientName = "ingestion";

    /// <summary>The pickup's create-if-absent markers live in this partition of the run store.</summary>
    public const string PickupPartition = "pickup-incoming";

    private const string IncomingPrefix = StorageServices.IncomingContainer + "/";

    [Function(nameof(UploadSnapshot))]
    public async Task<IActionResult> UploadSnapshot(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "api/orgs/{orgId}/snapshots")] HttpRequest request,
        string orgId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Ids.IsValid(orgId))
        {
            return Problems.BadRequest("orgId must be 1-200 letters, digits, '-', '_', '.' or ':'.", new[] { new PathError("orgId", "not a valid id") }).ToAction();
        }

        if (!string.Equals(request.ContentType?.Split(';')[0].Trim(), "application/zip", StringComparison.OrdinalIgnoreCase))
        {
            return Problems.BadRequest("The body must be the snapshot folder zipped, sent as application/zip.", new[] { new PathError("Content-Type", "expected application/zip") }).ToAction();
        }

        var bundle = await RequestBodies.ReadAsync(request, MaxBundleBytes, cancellationToken).ConfigureAwait(false);
        if (bundle is null)
        {
            return Problems.TooLarge(MaxBundleBytes).ToAction();
        }

        var result = await ingestion.IngestAsync(orgId, bundle, cancellationToken).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return Problems.BadRequest($"The snapshot is invalid: {result.Errors.Count} problem(s). It was kept as rejection {result.Rejected?.RejectionId}.", result.Errors).ToAction();
        }

        var m = result.Stored!.Metadata;
        var body = new SnapshotCreated(m.SnapshotId, m.ContentHash, m.Rows, result.Warnings);
        return (result.Stored.Created
            ? TypedResults.Created($"/api/orgs/{Uri.EscapeDataString(orgId)}/snapshots/{Uri.EscapeDataString(m.SnapshotId)}", body)
            : (IResult)TypedResults.Ok(body)).ToAction();
    }

    [Function(nameof(GetSnapshot))]
    public async Task<IActionResult> GetSnapshot(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/orgs/{orgId}/snapshots/{snapshotId}")] HttpRequest request,
        string orgId,
        string snapshotId,
        CancellationToken cancellationToken)
    {
        var metadata = Ids.IsValid(orgId) && Ids.IsValid(snapshotId)
            ? await stores.Snapshots.GetMetadataAsync(orgId, snapshotId, cancellationToken).ConfigureAwait(false)
            : null;
        return (metadata is null ? Problems.NotFound($"Org '{orgId}' has no snapshot '{snapshotId}'.") : (IResult)TypedResults.Ok(metadata)).ToAction();
    }

    /// <summary>
    /// Fetches the bundle a message points at and ingests it like an upload. An invalid snapshot is a handled outcome
    /// (kept under <c>rejected/</c>, an event published); a fetch that fails throws, so the host redelivers it and,
    /// after 5 dequeues (host.json), moves it to <c>rebalancing-ingest-poison</c>.
    /// </summary>
    [Function(nameof(IngestSnapshot))]
    public async Task IngestSnapshot([QueueTrigger(QueueNames.Ingest)] string message, CancellationToken cancellationToken)
    {
        var (parsed, problem) = Parse(message);
        if (problem is not null)
        {
            // It can never be handled: straight to poison, where the poison trigger records it.
            LogUnusable(logger, problem);
            await stores.Queues.Get(WorkQueueLimits.PoisonQueueName(QueueNames.Ingest)).EnqueueAsync(message, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            return;
        }

        var bundle = parsed!.Url is { } url
            ? await FetchAsync(url, cancellationToken).ConfigureAwait(false)
            : await ingestion.ReadIncomingAsync(parsed.BlobPath![IncomingPrefix.Length..], cancellationToken).ConfigureAwait(false);
        var result = await ingestion.IngestAsync(parsed.OrgId!, bundle, cancellationToken).ConfigureAwait(false);
        if (result.IsValid)
        {
            LogIngested(logger, parsed.OrgId!, result.Stored!.Metadata.SnapshotId, result.Stored.Created);
        }
        else
        {
            LogRejected(logger, parsed.OrgId!, result.Rejected?.RejectionId ?? "", result.Errors.Count);
        }
    }

    /// <summary>
    /// A message that failed every delivery (or could never be handled): the ingestion fails visibly, as a
    /// <c>snapshot.ingestion-failed</c> event (and an error in the log) naming the org and the bundle.
    /// </summary>
    [Function(nameof(IngestSnapshotPoisoned))]
    public async Task IngestSnapshotPoisoned([QueueTrigger(QueueNames.Ingest + "-poison")] string message, CancellationToken cancellationToken)
    {
        var (parsed, problem) = Parse(message);
        var orgId = Ids.IsValid(parsed?.OrgId) ? parsed!.OrgId! : "unknown";
        var id = "ingest:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(message)))[..32];
        LogPoisoned(logger, orgId, problem ?? "every delivery failed");
        await events.PublishAsync(orgId, new OutboxEvent(id, SnapshotEventTypes.IngestionFailed, time.GetUtcNow(),
            JsonSerializer.SerializeToElement(new { orgId, blobPath = parsed?.BlobPath, url = parsed?.Url, reason = problem ?? "the bundle could not be fetched or stored after 5 attempts" }, StorageJson.Options)),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sweeps <c>incoming/{orgId}/….zip</c> and sends each bundle not sent before to the ingestion queue (a
    /// create-if-absent <c>picked:{hash of the path}</c> document makes the sweep safe on several instances and after a
    /// crash). Bundles are immutable: a new snapshot is a new file name.
    /// </summary>
    [Function(nameof(PickUpSnapshots))]
    public async Task PickUpSnapshots([TimerTrigger("%Rebalancing:PickupSchedule%", RunOnStartup = false)] TimerInfo timer, CancellationToken cancellationToken)
    {
        if (options.Value.Ingestion.Enabled)
        {
            await SweepAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sends every bundle under <c>incoming/</c> not picked up before to the ingestion queue; returns the paths sent.</summary>
    public async Task<IReadOnlyList<string>> SweepAsync(CancellationToken cancellationToken)
    {
        var sent = new List<string>();
        foreach (var path in await ingestion.ListIncomingAsync(cancellationToken).ConfigureAwait(false))
        {
            var parts = path.Split('/');
            if (parts.Length < 2 || !Ids.IsValid(parts[0]) || !path.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var key = "picked:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(path)))[..32];
            var picked = await stores.Runs.AddWorkResultAsync(
                new WorkResult(PickupPartition, key, JsonSerializer.SerializeToElement(new { path }, StorageJson.Options), time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
            if (!picked.Created)
            {
                continue;
            }

            var blobPath = IncomingPrefix + path;
            await stores.Queues.Get(QueueNames.Ingest).EnqueueAsync(
                JsonSerializer.Serialize(new IngestMessage(parts[0], blobPath, null), StorageJson.Options), TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            LogPicked(logger, blobPath);
            sent.Add(blobPath);
        }

        return sent;
    }

    private (IngestMessage? Message, string? Problem) Parse(string text)
    {
        IngestMessage? message;
        try
        {
            message = JsonSerializer.Deserialize<IngestMessage>(text, StorageJson.Options);
        }
        catch (JsonException)
        {
            message = null;
        }

        if (message is null || !Ids.IsValid(message.OrgId))
        {
            return (message, "the message is not {orgId, blobPath | url} JSON with a valid orgId");
        }

        if ((message.BlobPath is null) == (message.Url is null))
        {
            return (message, "the message needs exactly one of blobPath and url");
        }

        if (message.BlobPath is { } path
            && (!path.StartsWith(IncomingPrefix, StringComparison.Ordinal) || path.Length == IncomingPrefix.Length || path.Contains("..", StringComparison.Ordinal) || path.Contains('\\', StringComparison.Ordinal)))
        {
            return (message, "blobPath must name a blob under incoming/");
        }

        if (message.Url is { } url && (!url.IsAbsoluteUri || !options.Value.Ingestion.AllowedUrlPrefixes.Any(prefix => url.AbsoluteUri.StartsWith(prefix, StringComparison.Ordinal))))
        {
            return (message, "the url is not on the allow-list (Rebalancing:Ingestion:AllowedUrlPrefixes)");
        }

        return (message, null);
    }

    private async Task<byte[]> FetchAsync(Uri url, CancellationToken cancellationToken)
    {
        using var client = http.CreateClient(HttpClientName);
        return await FetchAsync(client, url, MaxBundleBytes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The bundle at <paramref name="url"/>: at most <paramref name="limit"/> bytes, whether or not the server declares a length.</summary>
    internal static async Task<byte[]> FetchAsync(HttpClient client, Uri url, long limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var tooLarge = $"The bundle at {url} is larger than {limit} bytes.";
        if (response.Content.Headers.ContentLength > limit)
        {
            throw new InvalidDataException(tooLarge);
        }

        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            return await RequestBodies.ReadAtMostAsync(body, limit, cancellationToken).ConfigureAwait(false) ?? throw new InvalidDataException(tooLarge);
        }
    }

    internal sealed record SnapshotCreated(string SnapshotId, string ContentHash, IReadOnlyDictionary<string, long> Rows, IReadOnlyList<SnapshotError> Warnings);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An ingestion message cannot be handled ({Problem}): parked in the poison queue")]
    private static partial void LogUnusable(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingested a snapshot of {OrgId}: {SnapshotId} (new: {Created})")]
    private static partial void LogIngested(ILogger logger, string orgId, string snapshotId, bool created);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected a snapshot of {OrgId} ({Errors} errors), kept as {RejectionId}")]
    private static partial void LogRejected(ILogger logger, string orgId, string rejectionId, int errors);

    [LoggerMessage(Level = LogLevel.Error, Message = "An ingestion of org {OrgId} failed for good: {Reason}")]
    private static partial void LogPoisoned(ILogger logger, string orgId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Picked up {BlobPath} for ingestion")]
    private static partial void LogPicked(ILogger logger, string blobPath);
}
