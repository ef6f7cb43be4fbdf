using Microsoft.Extensions.Options;
using Rebalancing.Engine.Synthetic;
using Rebalancing.Functions.Approval;
using Microsoft.DurableTask.Client;
using Rebalancing.Functions.Application;
using Rebalancing.Functions.Rebalances;
using Rebalancing.Functions.Snapshots;

namespace Rebalancing.LocalHost;

/// <summary>
/// The main command's demo (Development, or <c>Rebalancing:SeedDemo</c>): once the app listens, seeds org
/// <c>demo</c> from a generated pilot-scale snapshot (40 stores, 1,000 SKUs), proposes a plan, and prints the report
/// URL and an approval link.
/// </summary>
internal sealed partial class DevelopmentSeed(
    IHostApplicationLifetime lifetime,
    IHostEnvironment environment,
    IOptions<RebalancingOptions> options,
    SnapshotIngestion ingestion,
    RebalanceRuns runs,
    DurableTaskClient client,
    ApprovalLinks links,
    PublicUrls urls,
    AppSecrets secrets,
    TimeProvider time,
    ILogger<DevelopmentSeed> logger) : BackgroundService
{
    public const string OrgId = "demo";
    public const string ApproverId = "planner";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!(options.Value.SeedDemo ?? environment.IsDevelopment()))
        {
            return;
        }

        await WhenStartedAsync(stoppingToken).ConfigureAwait(false);
        if (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        try
        {
            await SeedAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SeedAsync(CancellationToken cancellationToken)
    {
        var bundle = DemoSnapshot.Create(new NetworkGeneratorOptions { Stores = 40, Skus = 1000, OrgId = OrgId });
        var ingested = await ingestion.IngestAsync(OrgId, bundle, cancellationToken).ConfigureAwait(false);
        var snapshotId = ingested.Stored!.Metadata.SnapshotId;
        var started = await runs.StartAsync(client, OrgId, new StartRunRequest(snapshotId, null, [new Approver(ApproverId, "planner@example.com", Elevated: true)]), cancellationToken).ConfigureAwait(false);
        var runId = started.RunId!;
        LogSeeded(logger, OrgId, snapshotId, runId);

        RunView? run = null;
        var deadline = time.GetUtcNow() + TimeSpan.FromMinutes(3);
        while (time.GetUtcNow() < deadline)
        {
            run = await runs.GetAsync(client, runId, cancellationToken).ConfigureAwait(false);
            if (run is null || run.Status == RunStatus.AwaitingApproval || run.IsFinished)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), time, cancellationToken).ConfigureAwait(false);
        }

        var baseUrl = urls.Base();
        var report = new Uri(baseUrl, $"api/rebalances/{runId}/report?code={secrets.ApiKey}");
        var console = Console.Out;
        await console.WriteLineAsync($"""

            Demo org '{OrgId}': run {runId} is {run?.Status.ToString() ?? "unknown"}{(run?.Summary is { } s ? $" with {s.Moves} moves" : "")}.
              Report:        {report}
            """).ConfigureAwait(false);
        if (run is { IsFinished: false })
        {
            var (url, _) = await links.IssueAsync(runId, ApproverId, null, elevated: true, baseUrl, cancellationToken).ConfigureAwait(false);
            await console.WriteLineAsync($"  Approve:       {url}{Environment.NewLine}").ConfigureAwait(false);
        }
    }

    private Task WhenStartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        stoppingToken.Register(() => started.TrySetResult());
        return started.Task;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded demo org {OrgId} with snapshot {SnapshotId}; run {RunId} started")]
    private static partial void LogSeeded(ILogger logger, string orgId, string snapshotId, string runId);
}
