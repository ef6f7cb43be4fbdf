using System.Text.Json;
using Microsoft.Extensions.Options;
using Rebalancing.Functions.Application;
using Rebalancing.Functions.Storage;

namespace Rebalancing.Functions.Triggers;

/// <summary>A message of the ingestion queue: the org and where its snapshot bundle is.</summary>
/// <param name="BlobPath">A path under <c>incoming/</c> (the container or the data dir's folder).</param>
/// <param name="Url">An https URL starting with one of <c>Rebalancing:Ingestion:AllowedUrlPrefixes</c>.</param>
internal sealed record IngestMessage(string? OrgId, string? BlobPath, Uri? Url);

/// <summary>
/// <c>[QueueTrigger("rebalancing-ingest")]</c>: fetches the bundle a message points at and ingests it like an upload.
/// An invalid snapshot is a handled outcome (kept under <c>rejected/</c>, an event published); a fetch that fails is
/// retried by redelivery, and a message that can never be handled (malformed, not allowed) goes straight to poison.
/// </summary>
internal sealed partial class IngestionQueueTrigger(
    IWorkQueueFactory queues, SnapshotIngestion ingestion, IHttpClientFactory http, IOptions<RebalancingOptions> options, ILogger<IngestionQueueTrigger> logger) : IQueueTrigger
{
    public const string HttpClientName = "ingestion";
    private const string IncomingPrefix = StorageServices.IncomingContainer + "/";

    public string QueueName => QueueNames.Ingest;

    public TimeSpan VisibilityTimeout => TimeSpan.FromMinutes(5);

    public async Task<bool> HandleAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        IngestMessage? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<IngestMessage>(message.Text, StorageJson.Options);
        }
        catch (JsonException)
        {
            parsed = null;
        }

        var problem = Check(parsed);
        if (problem is not null)
        {
            LogUnusable(logger, message.MessageId, problem);
            await queues.Get(WorkQueueLimits.PoisonQueueName(QueueName)).EnqueueAsync(message.Text, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            return true;
        }

        var bundle = parsed!.Url is { } url ? await FetchAsync(url, cancellationToken).ConfigureAwait(false) : await ingestion.ReadIncomingAsync(parsed.BlobPath![IncomingPrefix.Length..], cancellationToken).ConfigureAwait(false);
        var result = await ingestion.IngestAsync(parsed.OrgId!, bundle, cancellationToken).ConfigureAwait(false);
        if (result.IsValid)
        {
            LogIngested(logger, parsed.OrgId!, result.Stored!.Metadata.SnapshotId, result.Stored.Created);
        }
        else
        {
            LogRejected(logger, parsed.OrgId!, result.Rejected?.RejectionId ?? "", result.Errors.Count);
        }

        return true;
    }

    private string? Check(IngestMessage? message)
    {
        if (message is null || !Ids.IsValid(message.OrgId))
        {
            return "the message is not {orgId, blobPath | url} JSON with a valid orgId";
        }

        if ((message.BlobPath is null) == (message.Url is null))
        {
            return "the message needs exactly one of blobPath and url";
        }

        if (message.BlobPath is { } path
            && (!path.StartsWith(IncomingPrefix, StringComparison.Ordinal) || path.Length == IncomingPrefix.Length || path.Contains("..", StringComparison.Ordinal) || path.Contains('\\', StringComparison.Ordinal)))
        {
            return "blobPath must name a blob under incoming/";
        }

        if (message.Url is { } url && (!url.IsAbsoluteUri || !options.Value.Ingestion.AllowedUrlPrefixes.Any(prefix => url.AbsoluteUri.StartsWith(prefix, StringComparison.Ordinal))))
        {
            return "the url is not on the allow-list (Rebalancing:Ingestion:AllowedUrlPrefixes)";
        }

        return null;
    }

    private async Task<byte[]> FetchAsync(Uri url, CancellationToken cancellationToken)
    {
        using var client = http.CreateClient(HttpClientName);
        using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        if (response.Content.Headers.ContentLength > SnapshotsApi.MaxBundleBytes)
        {
            throw new InvalidDataException("The bundle is too large.");
        }

        return await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ingestion message {MessageId} cannot be handled ({Problem}): parked in the poison queue")]
    private static partial void LogUnusable(ILogger logger, string messageId, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingested a snapshot of {OrgId}: {SnapshotId} (new: {Created})")]
    private static partial void LogIngested(ILogger logger, string orgId, string snapshotId, bool created);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected a snapshot of {OrgId} ({Errors} errors), kept as {RejectionId}")]
    private static partial void LogRejected(ILogger logger, string orgId, string rejectionId, int errors);
}
