using Microsoft.AspNetCore.Http.HttpResults;
using Rebalancing.Functions.Storage;

namespace Rebalancing.Functions;

/// <summary><c>GET /api/health</c>: checks the store and the work queue; needs no key.</summary>
internal static partial class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/health", CheckAsync)
            .WithName("GetHealth")
            .WithSummary("Checks the store and the work queue.")
            .WithTags("health");
        return app;
    }

    internal static async Task<Results<Ok<HealthStatus>, JsonHttpResult<HealthStatus>>> CheckAsync(
        ISnapshotStore snapshots, IRunStore runs, IWorkQueueFactory queues, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        try
        {
            await snapshots.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
            await runs.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
            await queues.Get(QueueNames.Work).CheckHealthAsync(cancellationToken).ConfigureAwait(false);
            return TypedResults.Ok(new HealthStatus("healthy"));
        }
        catch (Exception e) when (e is StorageUnavailableException or IOException or Azure.RequestFailedException or Microsoft.Azure.Cosmos.CosmosException or Microsoft.Data.Sqlite.SqliteException)
        {
            LogUnhealthy(loggers.CreateLogger(typeof(HealthApi)), e);
            return TypedResults.Json(new HealthStatus("unhealthy"), statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health check failed: the store or the queue did not answer")]
    private static partial void LogUnhealthy(ILogger logger, Exception exception);

    internal sealed record HealthStatus(string Status);
}
