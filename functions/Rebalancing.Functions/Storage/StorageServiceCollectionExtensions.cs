using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;
using Rebalancing.Functions.Storage.Azure;

namespace Rebalancing.Functions.Storage;

/// <summary>Registers the storage ports for the configured backend.</summary>
internal static class StorageServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddRebalancingStorage(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<RebalancingStorageOptions>()
            .BindConfiguration(RebalancingStorageOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<RebalancingStorageOptions>>().Value;
            var time = sp.GetRequiredService<TimeProvider>();
            if (options.Storage == StorageMode.Embedded)
            {
                var dataDir = Path.GetFullPath(options.DataDir, builder.Environment.ContentRootPath);
                return StorageServices.CreateEmbedded(dataDir, time);
            }

            return StorageServices.CreateAzure(options.Azure, sp.GetRequiredService<CosmosClient>(), time);
        });
        services.AddSingleton(sp =>
        {
            var azure = sp.GetRequiredService<IOptions<RebalancingStorageOptions>>().Value.Azure;
            var credential = string.IsNullOrEmpty(azure.CosmosKey) ? StorageServices.Credential(azure) : null;
            return CosmosContainers.CreateClient(azure.CosmosEndpoint!, azure.CosmosKey, credential);
        });
        services.AddHostedService<CosmosInitializer>();
        services.AddSingleton(sp => sp.GetRequiredService<StorageServices>().Snapshots);
        services.AddSingleton(sp => sp.GetRequiredService<StorageServices>().Runs);
        services.AddSingleton(sp => sp.GetRequiredService<StorageServices>().Ledger);
        services.AddSingleton(sp => sp.GetRequiredService<StorageServices>().Queues);
        services.AddSingleton<IEventSink>(sp => new QueueEventSink(sp.GetRequiredService<IWorkQueueFactory>().Get(QueueNames.Events)));
        return builder;
    }

    /// <summary>Creates the Cosmos DB database and containers at start in azure mode.</summary>
    private sealed class CosmosInitializer(IOptions<RebalancingStorageOptions> options, IServiceProvider services) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            if (options.Value.Storage == StorageMode.Azure)
            {
                await CosmosContainers.EnsureAsync(services.GetRequiredService<CosmosClient>(), options.Value.Azure.Database, cancellationToken).ConfigureAwait(false);
            }
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
