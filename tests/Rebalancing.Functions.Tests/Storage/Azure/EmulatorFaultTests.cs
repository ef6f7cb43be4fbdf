using System.Text;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Rebalancing.Functions.Storage;
using Rebalancing.Functions.Storage.Azure;
using Rebalancing.Functions.Storage.Blobs;
using Rebalancing.Functions.Storage.Documents;
using Rebalancing.Functions.Tests.Harness;

namespace Rebalancing.Functions.Tests.Storage.Azure;

/// <summary>
/// Each test runs its own emulator, stops it in the middle of the work and restarts it on the same
/// port and data location: operations against the stopped emulator fail with a clear error once the
/// SDK's retries are spent, and after the restart nothing is lost or half-written and a retry succeeds.
/// </summary>
public sealed class EmulatorFaultTests : IAsyncLifetime
{
    private readonly string location = Emulators.NewTempDirectory("rebalancing-fault");
    private readonly ManualTimeProvider time = new();
    private EmulatorProcess? emulator;

    public Task InitializeAsync() => Emulators.EnsureInstalledAsync();

    [Fact]
    public async Task SnapshotPut_WhileAzuriteIsDown_FailsClearly_AndAfterARestartTheRetryStoresItWithEarlierContentIntact()
    {
        emulator = await Emulators.StartAzuriteBlobAsync(location);
        var store = SnapshotStore(emulator.Port);
        var org = "org-fault";
        var first = Encoding.UTF8.GetBytes("first snapshot");
        var second = Encoding.UTF8.GetBytes("second snapshot");
        var put1 = await store.PutAsync(new SnapshotPut(org, new Dictionary<string, long>(), time.GetUtcNow()), first, CancellationToken.None);

        await emulator.StopAsync();
        time.Advance(TimeSpan.FromMinutes(1));
        var error = await Assert.ThrowsAsync<StorageUnavailableException>(
            () => store.PutAsync(new SnapshotPut(org, new Dictionary<string, long>(), time.GetUtcNow()), second, CancellationToken.None));
        Assert.Contains($"127.0.0.1:{emulator.Port}", error.Message, StringComparison.Ordinal);
        Assert.Contains("did not answer", error.Message, StringComparison.Ordinal);
        Assert.Contains("Create blob snapshots/org-fault/", error.Message, StringComparison.Ordinal);

        await emulator.StartAsync(Emulators.StartTimeout);

        Assert.Equal(first, await store.GetBundleAsync(org, put1.Metadata.SnapshotId, CancellationToken.None));
        Assert.Equal(put1.Metadata.SnapshotId, (await store.GetLatestAsync(org, CancellationToken.None))?.SnapshotId);
        var retried = await store.PutAsync(new SnapshotPut(org, new Dictionary<string, long>(), time.GetUtcNow()), second, CancellationToken.None);
        Assert.True(retried.Created);
        Assert.Equal(second, await store.GetBundleAsync(org, retried.Metadata.SnapshotId, CancellationToken.None));
        Assert.Equal(retried.Metadata.SnapshotId, (await store.GetLatestAsync(org, CancellationToken.None))?.SnapshotId);
    }

    [Fact]
    public async Task QueueDelete_WhileAzuriteIsDown_FailsClearly_AndAfterARestartTheMessageIsRedelivered()
    {
        emulator = await Emulators.StartAzuriteQueueAsync(location);
        var queue = Queue(emulator.Port, "fault-work");
        await queue.EnqueueAsync("step-1", TimeSpan.Zero, CancellationToken.None);
        var received = await queue.ReceiveAsync(TimeSpan.FromSeconds(1), CancellationToken.None);

        await emulator.StopAsync();
        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => queue.DeleteAsync(received!.MessageId, received.PopReceipt, CancellationToken.None));
        Assert.Contains($"127.0.0.1:{emulator.Port}", error.Message, StringComparison.Ordinal);
        Assert.Contains("Delete from fault-work", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<StorageUnavailableException>(() => queue.EnqueueAsync("step-2", TimeSpan.Zero, CancellationToken.None));

        await emulator.StartAsync(Emulators.StartTimeout);
        await Task.Delay(TimeSpan.FromSeconds(2));

        // The message whose delete failed comes back (at least once); the failed enqueue left nothing behind.
        var again = await queue.ReceiveAsync(TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.Equal("step-1", again?.Text);
        Assert.Equal(2, again!.DequeueCount);
        Assert.True(await queue.DeleteAsync(again.MessageId, again.PopReceipt, CancellationToken.None));
        Assert.Null(await queue.ReceiveAsync(TimeSpan.FromMinutes(1), CancellationToken.None));
    }

    [Fact]
    public async Task RunStore_WhileTheCosmosEmulatorIsDown_FailsWithAClearError()
    {
        emulator = await Emulators.StartCosmosAsync();
        var endpoint = new Uri($"https://127.0.0.1:{emulator.Port}/");
        using var client = CosmosContainers.CreateClient(endpoint, EmulatorFixture.CosmosEmulatorKey, credential: null);
        var (runs, orgs, _) = await CosmosContainers.EnsureAsync(client, "fault", CancellationToken.None);
        var store = new DocumentRunStore(new CosmosDocumentCollection(runs), new CosmosDocumentCollection(orgs), time);
        var run = new RunDocument("run-fault", "org-fault", "Pending", time.GetUtcNow(), time.GetUtcNow(), System.Text.Json.JsonSerializer.SerializeToElement(new { }));
        var created = await store.CreateAsync(run, CancellationToken.None);

        await emulator.StopAsync();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => store.ReplaceAsync(run with { Status = "Pass1" }, created.Stored.ETag, CancellationToken.None));
        Assert.IsType<StorageUnavailableException>(error);
        Assert.Contains("runs", error.Message, StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        if (emulator is not null)
        {
            await emulator.DisposeAsync();
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

    /// <summary>The production clients' options with shorter retries, so a stopped emulator fails fast.</summary>
    private static void ShortRetries(global::Azure.Core.RetryOptions retry)
    {
        retry.MaxRetries = 2;
        retry.Delay = TimeSpan.FromMilliseconds(50);
        retry.MaxDelay = TimeSpan.FromMilliseconds(200);
        retry.NetworkTimeout = TimeSpan.FromSeconds(5);
    }

    private BlobSnapshotStore SnapshotStore(int port)
    {
        var options = AzureStorageClients.BlobOptions();
        ShortRetries(options.Retry);
        var service = new BlobServiceClient(Emulators.ConnectionString(port, port), options);
        return new BlobSnapshotStore(
            new AzureBlobContainer(service.GetBlobContainerClient(StorageServices.SnapshotsContainer)),
            new AzureBlobContainer(service.GetBlobContainerClient(StorageServices.RejectedContainer)),
            time);
    }

    private static AzureWorkQueue Queue(int port, string name)
    {
        var options = AzureStorageClients.QueueOptions();
        ShortRetries(options.Retry);
        return new AzureWorkQueue(new QueueServiceClient(Emulators.ConnectionString(port, port), options), name);
    }
}
