using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Rebalancing.Functions.Application;

namespace Rebalancing.Functions.Notifications;

/// <summary>
/// Runs a delivery with retries (exponential back-off, <c>Notifications:MaxAttempts</c>) and never throws: a delivery
/// that keeps failing is logged (without its URL, which may carry a token) and given up.
/// </summary>
internal sealed partial class Deliveries
{
    private readonly ResiliencePipeline pipeline;
    private readonly ILogger<Deliveries> logger;

    public Deliveries(IOptions<RebalancingOptions> options, TimeProvider time, ILogger<Deliveries> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var n = options.Value.Notifications;
        this.logger = logger;
        pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(0, n.MaxAttempts - 1),
                Delay = n.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException),
            })
            .Build();
    }

    /// <summary>True when the delivery succeeded (within the attempts allowed).</summary>
    public async Task<bool> TryAsync(string what, Func<CancellationToken, ValueTask> deliver, CancellationToken cancellationToken)
    {
        try
        {
            await pipeline.ExecuteAsync(deliver, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogGaveUp(logger, what, e.GetType().Name);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gave up delivering {What} after every retry ({Error}); the run is not affected")]
    private static partial void LogGaveUp(ILogger logger, string what, string error);
}
