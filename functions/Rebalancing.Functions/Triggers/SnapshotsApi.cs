using Microsoft.AspNetCore.Http.HttpResults;
using Rebalancing.Functions.Application;
using Rebalancing.Functions.Storage;

namespace Rebalancing.Functions.Triggers;

/// <summary>
/// <c>POST /api/orgs/{orgId}/snapshots</c> and <c>GET /api/orgs/{orgId}/snapshots/{snapshotId}</c>
/// (an Azure Functions <c>HttpTrigger</c> each, <c>AuthorizationLevel.Function</c>).
/// </summary>
internal static class SnapshotsApi
{
    /// <summary>The largest bundle the upload accepts (256 MiB).</summary>
    public const long MaxBundleBytes = 256L * 1024 * 1024;

    public static RouteGroupBuilder MapSnapshotsApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var group = api.MapGroup("/orgs/{orgId}/snapshots").WithTags("snapshots");
        group.MapPost("/", UploadAsync)
            .WithName("UploadSnapshot")
            .WithSummary("Validates a zipped snapshot folder (application/zip) and stores it immutably.");
        group.MapGet("/{snapshotId}", GetAsync)
            .WithName("GetSnapshot")
            .WithSummary("The stored snapshot's metadata.");
        return api;
    }

    internal static async Task<Results<Created<SnapshotCreated>, Ok<SnapshotCreated>, ProblemHttpResult>> UploadAsync(
        string orgId, HttpRequest request, SnapshotIngestion ingestion, CancellationToken cancellationToken)
    {
        if (!Ids.IsValid(orgId))
        {
            return Problems.BadRequest("orgId must be 1-200 letters, digits, '-', '_', '.' or ':'.", new[] { new PathError("orgId", "not a valid id") });
        }

        if (!string.Equals(request.ContentType?.Split(';')[0].Trim(), "application/zip", StringComparison.OrdinalIgnoreCase))
        {
            return Problems.BadRequest("The body must be the snapshot folder zipped, sent as application/zip.", new[] { new PathError("Content-Type", "expected application/zip") });
        }

        var bundle = await ReadBodyAsync(request, cancellationToken).ConfigureAwait(false);
        if (bundle is null)
        {
            return Problems.BadRequest($"The bundle is larger than {MaxBundleBytes} bytes.");
        }

        var result = await ingestion.IngestAsync(orgId, bundle, cancellationToken).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return Problems.BadRequest($"The snapshot is invalid: {result.Errors.Count} problem(s). It was kept as rejection {result.Rejected?.RejectionId}.", result.Errors);
        }

        var m = result.Stored!.Metadata;
        var body = new SnapshotCreated(m.SnapshotId, m.ContentHash, m.Rows);
        return result.Stored.Created
            ? TypedResults.Created($"/api/orgs/{Uri.EscapeDataString(orgId)}/snapshots/{Uri.EscapeDataString(m.SnapshotId)}", body)
            : TypedResults.Ok(body);
    }

    internal static async Task<Results<Ok<SnapshotMetadata>, ProblemHttpResult>> GetAsync(
        string orgId, string snapshotId, ISnapshotStore snapshots, CancellationToken cancellationToken)
    {
        var metadata = Ids.IsValid(orgId) && Ids.IsValid(snapshotId)
            ? await snapshots.GetMetadataAsync(orgId, snapshotId, cancellationToken).ConfigureAwait(false)
            : null;
        return metadata is null
            ? Problems.NotFound($"Org '{orgId}' has no snapshot '{snapshotId}'.")
            : TypedResults.Ok(metadata);
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBundleBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBundleBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    internal sealed record SnapshotCreated(string SnapshotId, string ContentHash, IReadOnlyDictionary<string, long> Rows);
}
