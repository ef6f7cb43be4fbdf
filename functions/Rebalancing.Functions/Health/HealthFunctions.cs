using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Rebalancing.Functions.Application;
using Rebalancing.Functions.Storage;

namespace Rebalancing.Functions.Health;

/// <summary><c>GET /api/health</c>: checks the stores and the ingestion queue; needs no key (probes have none).</summary>
internal sealed partial class HealthFunctions(StorageServices stores, ILogger<HealthFunctions> logger)
{
    [Function(nameof(Health))]
    public async Task<IActionResult> Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/health")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        try
        {
            await stores.Snapshots.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
            await stores.Runs.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
            await stores.Queues.Get(QueueNames.Ingest).CheckHealthAsync(cancellationToken).ConfigureAwait(false);
            return TypedResults.Ok(new HealthStatus("healthy")).ToAction();
        }
        catch (Exception e) when (e is StorageUnavailableException or IOException or Azure.RequestFailedException or Microsoft.Azure.Cosmos.CosmosException or Microsoft.Data.Sqlite.SqliteException)
        {
            LogUnhealthy(logger, e);
            return TypedResults.Json(new HealthStatus("unhealthy"), statusCode: StatusCodes.Status503ServiceUnavailable).ToAction();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health check failed: the store or the queue did not answer")]
    private static partial void LogUnhealthy(ILogger logger, Exception exception);

    internal sealed record HealthStatus(string Status);
}
