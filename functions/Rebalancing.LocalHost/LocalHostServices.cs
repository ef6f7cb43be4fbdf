using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Rebalancing.Functions.Application;
using Rebalancing.Functions.Rebalances;
using Rebalancing.Functions.Storage;

namespace Rebalancing.LocalHost;

/// <summary>The local host's composition: the app's services, the Durable Task runtime, the trigger drivers.</summary>
internal static class LocalHostServices
{
    public static WebApplicationBuilder AddLocalHost(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // What host.json and app settings give the Functions host: timer schedules' defaults (settings override them).
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Rebalancing:Schedule"] = RebalancingOptions.DefaultSchedule,
                ["Rebalancing:PickupSchedule"] = RebalancingOptions.DefaultPickupSchedule,
            },
        });
        builder.AddRebalancing();

        // The task hub sidecar's gRPC traffic and the Durable worker's per-step lines are the runtime's, not the app's.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Routing.EndpointMiddleware", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.DurableTask", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);

        var azure = string.Equals(builder.Configuration["Rebalancing:Storage"], nameof(StorageMode.Azure), StringComparison.OrdinalIgnoreCase);
        var backend = azure ? TaskHubBackend.AzureStorage : TaskHubBackend.Memory;
        var connection = builder.Configuration["AzureWebJobsStorage"] is { Length: > 0 } jobs && !jobs.Contains("__", StringComparison.Ordinal)
            ? jobs
            : builder.Configuration["Rebalancing:Azure:StorageConnectionString"];

        var services = builder.Services;
        services.AddOptions<LocalHostOptions>().BindConfiguration(RebalancingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<LocalHostOptions>, LocalHostOptions.Validator>();
        services.AddSingleton(new FunctionCatalog(typeof(ApplicationServices).Assembly));
        services.AddDurableRuntime(backend, connection);
        services.AddSingleton<TimerTriggers>();
        services.AddHostedService(sp => sp.GetRequiredService<TimerTriggers>());
        services.AddSingleton<QueueTriggers>();
        services.AddHostedService(sp => sp.GetRequiredService<QueueTriggers>());
        if (backend == TaskHubBackend.Memory)
        {
            services.AddHostedService<RunResumer>();
        }

        services.AddHostedService<StartupBanner>();
        services.AddHostedService<DevelopmentSeed>();
        return builder;
    }
}

/// <summary>The settings the local host adds to the app's: the API key it checks itself, in azure mode required.</summary>
internal sealed class LocalHostOptions
{
    public StorageMode Storage { get; set; }

    public string? ApiKey { get; set; }

    internal sealed class Validator : IValidateOptions<LocalHostOptions>
    {
        public ValidateOptionsResult Validate(string? name, LocalHostOptions options) =>
            options.Storage == StorageMode.Azure && string.IsNullOrWhiteSpace(options.ApiKey)
                ? ValidateOptionsResult.Fail("Rebalancing:ApiKey is required in azure mode: the local host checks the /api key itself and must not run open.")
                : ValidateOptionsResult.Success;
    }
}

/// <summary>
/// On the in-memory task hub a restart loses every orchestration, so at start the runs still in flight (each holds
/// its org's active-run claim) are scheduled again under their own id. Every step finds its stored result, so a
/// resumed run proposes the same plan, keeps the decisions already recorded and the approval window it had, and
/// applies nothing twice.
/// </summary>
internal sealed partial class RunResumer(IHostApplicationLifetime lifetime, StorageServices stores, RebalanceRuns runs, DurableTaskClient client, ILogger<RunResumer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        using var onStopping = stoppingToken.Register(() => started.TrySetResult());
        await started.Task.ConfigureAwait(false);
        if (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        foreach (var orgId in await stores.Snapshots.ListOrgsAsync(stoppingToken).ConfigureAwait(false))
        {
            if (await stores.Runs.GetActiveRunAsync(orgId, stoppingToken).ConfigureAwait(false) is { } runId
                && await runs.ResumeAsync(client, runId, stoppingToken).ConfigureAwait(false))
            {
                LogResumed(logger, runId, orgId);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Resumed run {RunId} of org {OrgId} after a restart")]
    private static partial void LogResumed(ILogger logger, string runId, string orgId);
}
