using System.Text;
using Rebalancing.Functions.Storage;
using Rebalancing.Functions.Storage.Blobs;
using Rebalancing.Functions.Storage.Embedded;
using Rebalancing.Functions.Tests.Harness;
using Rebalancing.Functions.Tests.Storage.Contracts;

namespace Rebalancing.Functions.Tests.Storage.Embedded;

public sealed class EmbeddedCrashTests : IDisposable
{
    private readonly EmbeddedDataDir dir = new();
    private readonly ManualTimeProvider time = new();

    [Fact]
    public async Task FileBlob_TempFileLeftByACrashedWrite_IsNeverReadAndDoesNotBlockTheRetry()
    {
        var container = new FileBlobContainer(dir.Path, "snapshots");
        Directory.CreateDirectory(Path.Combine(dir.Path, "snapshots", "org"));
        await File.WriteAllTextAsync(Path.Combine(dir.Path, "snapshots", "org", "a.json.0011223344556677.tmp"), "{\"half", CancellationToken.None);

        Assert.Null(await container.GetAsync("org/a.json", CancellationToken.None));
        Assert.True(await container.CreateIfAbsentAsync("org/a.json", Encoding.UTF8.GetBytes("{}"), BlobContentTypes.Json, CancellationToken.None));
        Assert.Equal("{}", Encoding.UTF8.GetString((await container.GetAsync("org/a.json", CancellationToken.None))!.Content));
    }

    [Fact]
    public async Task SnapshotPut_CrashAfterTheBundleBeforeTheMetadata_IsNotVisibleAndTheRetryCompletesIt()
    {
        var services = dir.Create(time);
        var bytes = Encoding.UTF8.GetBytes("bundle");
        var hash = BlobSnapshotStore.ContentHash(bytes);

        // The crashed put wrote the bundle only.
        await new FileBlobContainer(Path.Combine(dir.Path, "blobs"), StorageServices.SnapshotsContainer)
            .CreateIfAbsentAsync($"org/{hash}.zip", bytes, BlobContentTypes.Zip, CancellationToken.None);

        Assert.Null(await services.Snapshots.GetBundleAsync("org", hash, CancellationToken.None));
        Assert.Null(await services.Snapshots.GetLatestAsync("org", CancellationToken.None));

        var retried = await services.Snapshots.PutAsync(new SnapshotPut("org", new Dictionary<string, long>(), time.GetUtcNow()), bytes, CancellationToken.None);

        Assert.True(retried.Created);
        Assert.Equal(bytes, await services.Snapshots.GetBundleAsync("org", hash, CancellationToken.None));
        Assert.Equal(hash, (await services.Snapshots.GetLatestAsync("org", CancellationToken.None))?.SnapshotId);
    }

    [Fact]
    public async Task FileBlob_ConcurrentReplacesWithOneETag_ExactlyOneWins()
    {
        var container = new FileBlobContainer(dir.Path, "snapshots");
        await container.CreateIfAbsentAsync("org/latest.json", "0"u8.ToArray(), BlobContentTypes.Json, CancellationToken.None);
        var etag = (await container.GetAsync("org/latest.json", CancellationToken.None))!.ETag;

        var results = await Task.WhenAll(Enumerable.Range(1, 8).Select(i =>
            Task.Run(() => container.ReplaceAsync("org/latest.json", Encoding.UTF8.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), BlobContentTypes.Json, etag, CancellationToken.None))));

        Assert.Single(results, r => r);
    }

    [Fact]
    public async Task Database_ReopenedAfterTheProcessLetGo_KeepsRunsAndQueuedMessages()
    {
        var services = dir.Create(time);
        var run = new RunDocument("run-1", "org", "Pending", time.GetUtcNow(), time.GetUtcNow(), System.Text.Json.JsonSerializer.SerializeToElement(new { }));
        await services.Runs.CreateAsync(run, CancellationToken.None);
        await services.Queues.Get("work").EnqueueAsync("step", TimeSpan.Zero, CancellationToken.None);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        var reopened = dir.Create(time);

        Assert.Equal("Pending", (await reopened.Runs.GetAsync("run-1", CancellationToken.None))?.Value.Status);
        Assert.Equal("step", (await reopened.Queues.Get("work").ReceiveAsync(TimeSpan.FromMinutes(1), CancellationToken.None))?.Text);
    }

    public void Dispose() => dir.Dispose();
}
