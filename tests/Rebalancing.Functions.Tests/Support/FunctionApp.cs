using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Rebalancing.Engine.Synthetic;
using Rebalancing.Functions.Application;
using Microsoft.DurableTask.Client;
using Rebalancing.Functions.Rebalances;
using Rebalancing.Functions.Tests.Harness;

namespace Rebalancing.Functions.Tests.Support;

/// <summary>
/// The function app served by the local host on the embedded default in a temp data dir: a fixed API key and signing
/// key, the Durable Task runtime in memory, the background timers and queue pollers off (tests drive them), and every
/// log line captured.
/// </summary>
internal sealed class FunctionApp : IDisposable
{
    public const string ApiKey = "test-api-key";
    public const string SigningKey = "test-signing-key-0123456789";

    private readonly WebApplicationFactory<Program> factory;

    public FunctionApp(Dictionary<string, string?>? settings = null, bool triggers = false, bool kestrel = false, string? dataDir = null)
    {
        var port = kestrel ? EmulatorProcess.FreePort() : 0;
        BaseUrl = kestrel ? new Uri($"http://127.0.0.1:{port}/") : new Uri("http://localhost/");
        DataDir = dataDir ?? Emulators.NewTempDirectory("rebalancing-app");
        var all = new Dictionary<string, string?>
        {
            ["Rebalancing:DataDir"] = DataDir,
            ["Rebalancing:ApiKey"] = ApiKey,
            ["Rebalancing:ApprovalSigningKey"] = SigningKey,
            ["Rebalancing:Triggers"] = triggers ? "true" : "false",
            ["Rebalancing:SeedDemo"] = "false",
            ["Rebalancing:PublicBaseUrl"] = BaseUrl.AbsoluteUri,
        };
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }

        factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Testing");
            web.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(all));
            web.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
        });
        if (kestrel)
        {
            factory.UseKestrel(options => options.Listen(System.Net.IPAddress.Loopback, port));
            factory.StartServer();
        }
    }

    public string DataDir { get; }

    /// <summary>Where the app listens: a real loopback port with <c>kestrel</c>, else the in-memory test server.</summary>
    public Uri BaseUrl { get; }

    public CapturingLoggerProvider Logs { get; } = new();

    public IServiceProvider Services => factory.Services;

    public T Get<T>() where T : notnull => factory.Services.GetRequiredService<T>();

    public DurableTaskClient Durable => Get<DurableTaskClient>();

    /// <summary>A client that sends the API key.</summary>
    public HttpClient Client()
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Add("x-functions-key", ApiKey);
        return client;
    }

    public HttpClient Anonymous() => factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = BaseUrl });

    /// <summary>Uploads a generated snapshot for the org; returns its id.</summary>
    public async Task<string> UploadAsync(string orgId, int seed = 1, byte[]? bundle = null)
    {
        using var client = Client();
        using var content = new ByteArrayContent(bundle ?? SmallSnapshot(orgId, seed));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        using var response = await client.PostAsync(new Uri($"/api/orgs/{orgId}/snapshots", UriKind.Relative), content);
        response.EnsureSuccessStatusCode();
        return (await Json.ReadAsync(response)).GetProperty("snapshotId").GetString()!;
    }

    /// <summary>Starts a run through the service and returns its id.</summary>
    public async Task<string> StartAsync(string orgId, StartRunRequest? request = null)
    {
        var result = await Get<RebalanceRuns>().StartAsync(Durable, orgId, request ?? new StartRunRequest(), CancellationToken.None);
        Assert.Equal(StartRunOutcome.Created, result.Outcome);
        return result.RunId!;
    }

    /// <summary>Waits (up to a minute) until the run's status satisfies <paramref name="done"/>; returns the run.</summary>
    public async Task<RunView> WaitForAsync(string runId, Func<RunStatus, bool> done)
    {
        var runs = Get<RebalanceRuns>();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (true)
        {
            var run = await runs.GetAsync(Durable, runId, CancellationToken.None);
            if (run is not null && done(run.Status))
            {
                // A finished run is done once its orchestration completed (its last step recorded the end).
                if (!run.IsFinished || (await Durable.GetInstanceAsync(runId))?.IsCompleted != false)
                {
                    return run;
                }
            }

            Assert.True(DateTime.UtcNow < deadline, $"run {runId} is still {run?.Status} after a minute");
            await Task.Delay(100);
        }
    }

    /// <summary>Uploads a snapshot, starts a run with the given approvers and waits until it awaits approval.</summary>
    public async Task<string> ProposedRunAsync(string orgId, params Approver[] approvers)
    {
        await UploadAsync(orgId);
        var runId = await StartAsync(orgId, new StartRunRequest(Approvers: approvers));
        var run = await WaitForAsync(runId, s => s == RunStatus.AwaitingApproval || s.IsFinished());
        Assert.Equal(RunStatus.AwaitingApproval, run.Status);
        return runId;
    }

    public static byte[] SmallSnapshot(string orgId, int seed = 1) =>
        DemoSnapshot.Create(new NetworkGeneratorOptions { Stores = 8, Skus = 60, Seed = seed, OrgId = orgId });

    public void Dispose()
    {
        factory.Dispose();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Keeps every log line (category, level, message, exception) of the app.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> lines = new();

    public IReadOnlyCollection<string> Lines => lines;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var structured = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            lines.Enqueue($"{category} {logLevel}: {formatter(state, exception)} {structured} {exception}");
        }
    }
}
