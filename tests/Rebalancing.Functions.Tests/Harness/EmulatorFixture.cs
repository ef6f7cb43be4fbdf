using Microsoft.Azure.Cosmos;
using Rebalancing.Functions.Storage;
using Rebalancing.Functions.Storage.Azure;

namespace Rebalancing.Functions.Tests.Harness;

/// <summary>
/// Azurite (blob + queue) and the Cosmos DB emulator, started once for every test of the
/// <see cref="EmulatorGroup"/> and stopped at the end. If they cannot start, every test of the
/// collection fails with the reason (and the emulator's output); nothing is skipped.
/// </summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    private readonly List<EmulatorProcess> processes = [];
    private readonly string location = Emulators.NewTempDirectory("rebalancing-azurite");
    private Exception? startFailure;
    private CosmosClient? cosmos;

    public const string Database = "rebalancing-tests";

    internal AzureStorageOptions Options { get; private set; } = new();

    internal CosmosClient Cosmos => cosmos ?? throw Failure();

    public async Task InitializeAsync()
    {
        try
        {
            await Emulators.EnsureInstalledAsync();
            var blob = await Emulators.StartAzuriteBlobAsync(location);
            processes.Add(blob);
            var queue = await Emulators.StartAzuriteQueueAsync(location);
            processes.Add(queue);
            var cosmosProcess = await Emulators.StartCosmosAsync();
            processes.Add(cosmosProcess);

            var endpoint = new Uri($"https://127.0.0.1:{cosmosProcess.Port}/");
            Options = new AzureStorageOptions
            {
                StorageConnectionString = Emulators.ConnectionString(blob.Port, queue.Port),
                CosmosEndpoint = endpoint,
                CosmosKey = CosmosEmulatorKey,
                Database = Database,
            };
            cosmos = CosmosContainers.CreateClient(endpoint, CosmosEmulatorKey, credential: null);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await CosmosContainers.EnsureAsync(cosmos, Database, timeout.Token);
        }
        catch (Exception e)
        {
            startFailure = e;
        }
    }

    /// <summary>The stores on the emulators; throws (failing the test) with the reason when the emulators did not start.</summary>
    internal StorageServices CreateServices(TimeProvider time)
    {
        if (startFailure is not null)
        {
            throw Failure();
        }

        return StorageServices.CreateAzure(Options, Cosmos, time);
    }

    public async Task DisposeAsync()
    {
        cosmos?.Dispose();
        foreach (var process in processes)
        {
            await process.DisposeAsync();
        }

        try
        {
            Directory.Delete(location, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    /// <summary>The Cosmos DB emulator's well-known key (public; the emulator accepts any key).</summary>
    public const string CosmosEmulatorKey = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DF2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";

    private InvalidOperationException Failure() =>
        new($"The storage emulators did not start, so the azure adapters cannot be tested: {startFailure?.Message}", startFailure);
}

[CollectionDefinition(Name)]
public sealed class EmulatorGroup : ICollectionFixture<EmulatorFixture>
{
    public const string Name = "emulators";
}
