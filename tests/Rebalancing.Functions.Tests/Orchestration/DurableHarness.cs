using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Rebalancing.Engine.Input;
using Rebalancing.Engine.Planning;
using Rebalancing.Engine.Policies;
using Rebalancing.Engine.Synthetic;
using Rebalancing.Functions.Application;
using Rebalancing.Functions.Rebalances;
using Rebalancing.Functions.Snapshots;
using Rebalancing.Functions.Storage;
using Rebalancing.Functions.Storage.Blobs;
using Rebalancing.Functions.Tests.Harness;
using Rebalancing.LocalHost;

namespace Rebalancing.Functions.Tests.Orchestration;

/// <summary>
/// The app's own orchestrator and activities on <see cref="DurableTaskTestHost"/> (the Durable Task runtime
/// in-process, in memory), over the app's services on the embedded default in a temp folder. The run service and the
/// stores are the app's; only the host differs from Azure.
/// </summary>
internal sealed class DurableHarness : IAsyncDisposable
{
    private readonly IHost app;
    private readonly DurableTaskTestHost durable;
    private readonly string dataDir;

    private DurableHarness(IHost app, DurableTaskTestHost durable, string dataDir)
    {
        this.app = app;
        this.durable = durable;
        this.dataDir = dataDir;
    }

    public DurableTaskClient Client => durable.Client;

    public RebalanceRuns Runs => Get<RebalanceRuns>();

    public StorageServices Stores => Get<StorageServices>();

    public T Get<T>() where T : notnull => app.Services.GetRequiredService<T>();

    /// <summary>Starts the harness; <paramref name="runFiles"/> may wrap the runs container (to inject faults or delays).</summary>
    public static async Task<DurableHarness> StartAsync(Func<IBlobContainer, IBlobContainer>? runFiles = null)
    {
        var dataDir = Emulators.NewTempDirectory("rebalancing-durable");
        // No settings-file watcher: each would hold one of the 128 inotify instances Linux allows a user.
        var hostSettings = new ConfigurationManager();
        hostSettings.AddInMemoryCollection(new Dictionary<string, string?> { ["hostBuilder:reloadConfigOnChange"] = "false" });
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing", Configuration = hostSettings });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Rebalancing:DataDir"] = dataDir,
            ["Rebalancing:ApprovalSigningKey"] = "test-signing-key",
            ["Rebalancing:SeedDemo"] = "false",
        });
        builder.AddRebalancing();
        if (runFiles is not null)
        {
            builder.Services.AddSingleton(sp => new RunFiles(runFiles(sp.GetRequiredService<StorageServices>().RunFiles)));
        }

        var app = builder.Build();
        await app.StartAsync();
        var durable = await DurableTaskTestHost.StartAsync(DurableRuntime.AddRebalanceTasks, new DurableTaskTestHostOptions
        {
            // The activities resolve the app's services, as they do in the function app.
            ConfigureServices = services =>
            {
                services.AddSingleton(_ => app.Services.GetRequiredService<StorageServices>());
                services.AddSingleton(_ => app.Services.GetRequiredService<RunFiles>());
                services.AddSingleton(_ => app.Services.GetRequiredService<PlanningInputs>());
                services.AddSingleton(_ => app.Services.GetRequiredService<RunEvents>());
                services.AddSingleton(_ => app.Services.GetRequiredService<TimeProvider>());
            },
        });
        return new DurableHarness(app, durable, dataDir);
    }

    /// <summary>Stores a generated snapshot for the org; returns its id.</summary>
    public async Task<string> UploadAsync(string orgId, NetworkGeneratorOptions? network = null)
    {
        var result = await Get<SnapshotIngestion>().IngestAsync(orgId, Bundle(orgId, network), CancellationToken.None);
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        return result.Stored!.Metadata.SnapshotId;
    }

    public static byte[] Bundle(string orgId, NetworkGeneratorOptions? network = null) =>
        DemoSnapshot.Create((network ?? new NetworkGeneratorOptions { Stores = 12, Skus = 80, Clusters = 3 }) with { OrgId = orgId });

    /// <summary>The determinism hash the command line gives for the org's stored snapshot and a policy.</summary>
    public async Task<string> CommandLineHashAsync(string orgId, string snapshotId, string? policyJson = null)
    {
        var bundle = await Stores.Snapshots.GetBundleAsync(orgId, snapshotId, CancellationToken.None);
        using var source = new ZipSnapshotSource(new MemoryStream(bundle!));
        var snapshot = SnapshotLoader.Load(source).Snapshot!;
        var policy = policyJson is null ? Policy.Default : PolicyReader.Read(policyJson).Policy!;
        return Planner.Create(snapshot, policy).Hash;
    }

    public async Task<string> StartAsync(string orgId, StartRunRequest? request = null)
    {
        var result = await Runs.StartAsync(Client, orgId, request ?? new StartRunRequest(), CancellationToken.None);
        Assert.True(result.Outcome == StartRunOutcome.Created, $"{result.Outcome}: {string.Join("; ", result.Problems)}");
        return result.RunId!;
    }

    /// <summary>Waits (up to 90 s) until the run's status satisfies <paramref name="done"/> (a finished run: until its orchestration completed).</summary>
    public async Task<RunView> WaitForAsync(string runId, Func<RunStatus, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            var run = await Runs.GetAsync(Client, runId, CancellationToken.None);
            if (run is not null && done(run.Status)
                && (!run.IsFinished || (await Client.GetInstanceAsync(runId))?.IsCompleted == true))
            {
                return run;
            }

            Assert.True(DateTime.UtcNow < deadline, $"run {runId} is still {run?.Status} after 90 s");
            await Task.Delay(100);
        }
    }

    public Task<RunView> WaitUntilAwaitingAsync(string runId) =>
        WaitForAsync(runId, s => s == RunStatus.AwaitingApproval || s.IsFinished());

    public Task<RunView> WaitUntilFinishedAsync(string runId) => WaitForAsync(runId, s => s.IsFinished());

    public Task<RaiseEventResult> DecideAsync(string runId, string eventId, DecisionKind decision, ApprovalScope? scope = null, string approver = "ann", bool elevated = true) =>
        Runs.RaiseApprovalAsync(Client, runId, new ApprovalDecision(eventId, approver, decision, scope ?? ApprovalScope.All, elevated), CancellationToken.None);

    public async Task<IReadOnlyList<TransferOrder>> LedgerAsync(string orgId, string runId) =>
        await Stores.Ledger.ListByRunAsync(orgId, runId, CancellationToken.None);

    /// <summary>Every move of the run's stored plan.</summary>
    public async Task<IReadOnlyList<MoveRef>> MovesAsync(string runId) => await Get<RunFiles>().GetRefsAsync(runId, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await durable.DisposeAsync();
        await app.StopAsync();
        app.Dispose();
        try
        {
            Directory.Delete(dataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A runs container that can fail or stall the write of chosen blobs (the activity that writes it fails or stalls).</summary>
internal sealed class FaultyContainer(IBlobContainer inner, Func<string, Task>? beforeWrite = null, Func<string, Task>? beforeRead = null) : IBlobContainer
{
    public string Name => inner.Name;

    public async Task<bool> CreateIfAbsentAsync(string path, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken)
    {
        if (beforeWrite is not null)
        {
            await beforeWrite(path);
        }

        return await inner.CreateIfAbsentAsync(path, content, contentType, cancellationToken);
    }

    public async Task<BlobContent?> GetAsync(string path, CancellationToken cancellationToken)
    {
        if (beforeRead is not null)
        {
            await beforeRead(path);
        }

        return await inner.GetAsync(path, cancellationToken);
    }

    public Task<bool> ReplaceAsync(string path, ReadOnlyMemory<byte> content, string contentType, string ifMatch, CancellationToken cancellationToken) =>
        inner.ReplaceAsync(path, content, contentType, ifMatch, cancellationToken);

    public Task<IReadOnlyList<string>> ListTopLevelFoldersAsync(CancellationToken cancellationToken) => inner.ListTopLevelFoldersAsync(cancellationToken);

    public Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken) => inner.ListAsync(prefix, cancellationToken);

    public Task CheckHealthAsync(CancellationToken cancellationToken) => inner.CheckHealthAsync(cancellationToken);
}
