using System.Net;
using System.Net.Sockets;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing.Sidecar;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.Options;
using Rebalancing.Functions.Rebalances;
using Rebalancing.Functions.Storage;

namespace Rebalancing.LocalHost;

/// <summary>Where the local host keeps orchestration state.</summary>
internal enum TaskHubBackend
{
    /// <summary>In memory (the embedded default): a restart loses the orchestrations; runs in flight are resumed from their stored steps.</summary>
    Memory,

    /// <summary>DurableTask.AzureStorage, the backend Durable Functions uses in Azure (Azurite locally): a run survives the process.</summary>
    AzureStorage,
}

/// <summary>
/// The Durable Task runtime in-process, shaped as the Functions host runs it: a task hub sidecar (the durabletask
/// gRPC service over a loopback port, on an in-memory or an Azure Storage orchestration service) plays the host's
/// Durable extension, and the app's orchestrator and activities run in a gRPC worker; the Durable client the HTTP
/// functions bind talks to the same sidecar.
/// </summary>
internal static class DurableRuntime
{
    /// <summary>The task hub's name, as in host.json.</summary>
    public const string TaskHubName = "rebalancing";

    public static IServiceCollection AddDurableRuntime(this IServiceCollection services, TaskHubBackend backend, string? storageConnectionString)
    {
        var address = "http://127.0.0.1:" + FreeLoopbackPort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        services.AddSingleton(sp => new TaskHubSidecar(address, backend, storageConnectionString, sp.GetRequiredService<ILoggerFactory>()));
        services.AddHostedService(sp => sp.GetRequiredService<TaskHubSidecar>());
        services.AddDurableTaskWorker(builder =>
        {
            builder.UseGrpc(address);
            builder.AddTasks(AddRebalanceTasks);
            builder.Configure(o =>
            {
                o.Concurrency.MaximumConcurrentActivityWorkItems = 4;
                o.Concurrency.MaximumConcurrentOrchestrationWorkItems = 8;
            });
        });
        services.AddDurableTaskClient(builder =>
        {
            builder.UseGrpc(address);
            builder.RegisterDirectly();
        });
        return services;
    }

    /// <summary>
    /// Registers the app's orchestrator and every <c>[ActivityTrigger]</c> function under its function name (tests
    /// register the same tasks on <c>DurableTaskTestHost</c>). The orchestrator is registered with its declared input
    /// type, which the runtime needs to hand <c>GetInput</c> a typed value.
    /// </summary>
    public static void AddRebalanceTasks(DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.AddOrchestratorFunc<RunInput, RunOutcome>(nameof(RebalanceOrchestrator), (context, _) => RebalanceOrchestrator.RunAsync(context));
        foreach (var activity in new FunctionCatalog(typeof(RebalanceOrchestrator).Assembly).With<ActivityTriggerAttribute>())
        {
            var output = activity.Method.ReturnType.IsGenericType ? activity.Method.ReturnType.GetGenericArguments()[0] : typeof(object);
            var type = typeof(FunctionActivity<,>).MakeGenericType(activity.TriggerParameter.ParameterType, output);
            registry.AddActivity(activity.Name, sp => (ITaskActivity)Activator.CreateInstance(type, activity, sp)!);
        }
    }

    private static int FreeLoopbackPort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    /// <summary>An activity function run as a Durable Task activity: its class made per call through DI.</summary>
    private sealed class FunctionActivity<TInput, TOutput>(FunctionEntry function, IServiceProvider services) : Microsoft.DurableTask.TaskActivity<TInput, TOutput>
    {
        public override async Task<TOutput> RunAsync(TaskActivityContext context, TInput input)
        {
            using var scope = services.CreateScope();
            var result = await FunctionCatalog.InvokeAsync(function, scope.ServiceProvider, p => p == function.TriggerParameter ? input : null, CancellationToken.None).ConfigureAwait(false);
            return (TOutput)result!;
        }
    }
}

/// <summary>The task hub sidecar: the durabletask gRPC service in its own small web host on a loopback port.</summary>
internal sealed class TaskHubSidecar(string address, TaskHubBackend backend, string? storageConnectionString, ILoggerFactory loggers) : IHostedService, IAsyncDisposable
{
    private IHost? host;

    public IOrchestrationService? Service { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var service = await CreateServiceAsync().ConfigureAwait(false);
        Service = service;
        // A bare host: the sidecar reads no settings files (so it watches none and holds no inotify instance).
        host = new HostBuilder()
            .ConfigureLogging(l => l.ClearProviders().Services.AddSingleton(loggers))
            .ConfigureWebHostDefaults(web =>
            {
                web.UseUrls(address);
                web.ConfigureKestrel(k => k.ConfigureEndpointDefaults(l => l.Protocols = HttpProtocols.Http2));
                web.ConfigureServices(s =>
                {
                    s.AddGrpc();
                    s.AddSingleton(service);
                    s.AddSingleton((IOrchestrationServiceClient)service);
                    s.AddSingleton<TaskHubGrpcServer>();
                });
                web.Configure(app =>
                {
                    app.UseRouting();
                    app.UseEndpoints(e => e.MapGrpcService<TaskHubGrpcServer>());
                });
            })
            .Build();
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (host is not null)
        {
            await host.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (host is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            host?.Dispose();
        }

        (Service as IDisposable)?.Dispose();
    }

    private async Task<IOrchestrationService> CreateServiceAsync()
    {
        if (backend == TaskHubBackend.Memory)
        {
            return new InMemoryOrchestrationService(loggers);
        }

        var service = new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = DurableRuntime.TaskHubName,
            StorageAccountClientProvider = new StorageAccountClientProvider(storageConnectionString ?? throw new InvalidOperationException("the Azure Storage task hub needs a connection string")),
            LoggerFactory = loggers,
            PartitionCount = 1,
            MaxQueuePollingInterval = TimeSpan.FromSeconds(1),
            MaxConcurrentTaskActivityWorkItems = 4,
            MaxConcurrentTaskOrchestrationWorkItems = 8,

            // One local process per task hub: a restarted host takes over what a killed one held within seconds, not
            // the backend's multi-worker defaults (5-minute message visibility, 30-second leases, an app lease).
            WorkItemQueueVisibilityTimeout = TimeSpan.FromSeconds(30),
            ControlQueueVisibilityTimeout = TimeSpan.FromSeconds(30),
            LeaseInterval = TimeSpan.FromSeconds(15),
            LeaseRenewInterval = TimeSpan.FromSeconds(5),
            LeaseAcquireInterval = TimeSpan.FromSeconds(5),
            UseAppLease = false,
        });
        await service.CreateIfNotExistsAsync().ConfigureAwait(false);
        return service;
    }
}
