using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Rebalancing.Functions.Snapshots;
using Rebalancing.Functions.Storage;
using Rebalancing.Functions.Tests.Api;
using Rebalancing.Functions.Tests.Support;
using Rebalancing.LocalHost;

namespace Rebalancing.Functions.Tests.Triggers;

/// <summary>
/// The ingestion queue's functions (<c>IngestSnapshot</c>, <c>IngestSnapshotPoisoned</c>) and the pickup sweep,
/// driven by the local host's queue driver and called directly.
/// </summary>
public sealed class IngestionQueueTriggerTests : IDisposable
{
    private readonly LoopbackHttpServer files = new();
    private readonly FunctionApp app;

    public IngestionQueueTriggerTests()
    {
        app = new FunctionApp(new() { ["Rebalancing:Ingestion:AllowedUrlPrefixes:0"] = files.Url("snapshots/").AbsoluteUri });
    }

    private IWorkQueue Queue => app.Get<IWorkQueueFactory>().Get(QueueNames.Ingest);

    private IWorkQueue Poison => app.Get<IWorkQueueFactory>().Get(WorkQueueLimits.PoisonQueueName(QueueNames.Ingest));

    private ISnapshotStore Snapshots => app.Get<StorageServices>().Snapshots;

    [Fact]
    public async Task IngestSnapshot_AMessagePointingUnderIncoming_IngestsTheSnapshot_AndDeletesTheMessage()
    {
        Drop("drops/acme.zip", FunctionApp.SmallSnapshot("acme"));
        await SendAsync(new { orgId = "acme", blobPath = "incoming/drops/acme.zip" });

        Assert.True(await HandleAsync(nameof(SnapshotFunctions.IngestSnapshot)));

        Assert.NotNull(await Snapshots.GetLatestAsync("acme", CancellationToken.None));
        Assert.Equal(0, await CountAsync(Queue));
    }

    [Fact]
    public async Task IngestSnapshot_AMessagePointingAtAnAllowedUrl_FetchesAndIngestsIt()
    {
        var bundle = FunctionApp.SmallSnapshot("acme");
        files.Respond = _ => (200, bundle);
        await SendAsync(new { orgId = "acme", url = files.Url("snapshots/acme.zip") });

        await HandleAsync(nameof(SnapshotFunctions.IngestSnapshot));

        Assert.NotNull(await Snapshots.GetLatestAsync("acme", CancellationToken.None));
        Assert.Equal("/snapshots/acme.zip", Assert.Single(files.Received).Path);
    }

    [Fact]
    public async Task Fetch_ABodyOverTheLimitWithoutADeclaredLength_IsRefused_AndOneWithinIsRead()
    {
        // HttpListener sends a body without a set length chunked: only counting the bytes can stop it.
        files.Respond = request => (200, new byte[request.Path.Contains("big", StringComparison.Ordinal) ? 4097 : 4096]);
        using var client = new HttpClient();

        var within = await SnapshotFunctions.FetchAsync(client, files.Url("snapshots/small.zip"), 4096, CancellationToken.None);
        var over = await Assert.ThrowsAsync<InvalidDataException>(() => SnapshotFunctions.FetchAsync(client, files.Url("snapshots/big.zip"), 4096, CancellationToken.None));

        Assert.Equal(4096, within.Length);
        Assert.Contains("larger than 4096 bytes", over.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IngestSnapshot_AnInvalidSnapshot_IsKeptUnderRejectedWithAnEvent_AndTheMessageIsDone()
    {
        Drop("bad.zip", SnapshotsApiTests.Corrupt(FunctionApp.SmallSnapshot("acme"), "inventory.csv", 2));
        await SendAsync(new { orgId = "acme", blobPath = "incoming/bad.zip" });

        await HandleAsync(nameof(SnapshotFunctions.IngestSnapshot));

        Assert.Null(await Snapshots.GetLatestAsync("acme", CancellationToken.None));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(app.DataDir, "blobs", "rejected"), "*.json", SearchOption.AllDirectories));
        var published = await app.Get<IWorkQueueFactory>().Get(QueueNames.Events).ReceiveAsync(TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.Equal("snapshot.rejected", JsonDocument.Parse(published!.Text).RootElement.GetProperty("type").GetString());
        Assert.Equal(0, await CountAsync(Queue));
        Assert.Equal(0, await CountAsync(Poison));
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("{\"orgId\":\"acme\",\"blobPath\":\"snapshots/acme/x.zip\"}")]
    [InlineData("{\"orgId\":\"acme\",\"blobPath\":\"incoming/../snapshots/x.zip\"}")]
    [InlineData("{\"orgId\":\"acme\",\"url\":\"https://elsewhere.example/x.zip\"}")]
    [InlineData("{\"orgId\":\"../acme\",\"blobPath\":\"incoming/x.zip\"}")]
    [InlineData("{\"orgId\":\"acme\",\"blobPath\":\"incoming/x.zip\",\"url\":\"https://elsewhere.example/x.zip\"}")]
    public async Task IngestSnapshot_AMessageThatCanNeverBeHandled_GoesStraightToPoison_FetchingNothing(string text)
    {
        await Queue.EnqueueAsync(text, TimeSpan.Zero, CancellationToken.None);

        await HandleAsync(nameof(SnapshotFunctions.IngestSnapshot));

        Assert.Equal(0, await CountAsync(Queue));
        Assert.Equal(1, await CountAsync(Poison));
        Assert.Empty(files.Received);
    }

    [Fact]
    public async Task IngestSnapshot_ForABlobNotThereYet_Throws_SoTheHostRedeliversTheMessage()
    {
        var function = ActivatorUtilities.CreateInstance<SnapshotFunctions>(app.Services);

        await Assert.ThrowsAsync<FileNotFoundException>(() =>
            function.IngestSnapshot("{\"orgId\":\"acme\",\"blobPath\":\"incoming/not-yet.zip\"}", CancellationToken.None));
    }

    [Fact]
    public async Task IngestSnapshot_AFailedDelivery_StaysInTheQueueForRedelivery_NotInPoison()
    {
        await SendAsync(new { orgId = "acme", blobPath = "incoming/not-yet.zip" });

        Assert.True(await HandleAsync(nameof(SnapshotFunctions.IngestSnapshot)));

        Assert.Equal(0, await CountAsync(Poison));
        Assert.Contains(app.Logs.Lines, l => l.Contains("Queue function IngestSnapshot failed on dequeue 1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task IngestSnapshotPoisoned_PublishesAnIngestionFailedEventNamingTheOrgAndTheBundle()
    {
        await Poison.EnqueueAsync("{\"orgId\":\"acme\",\"blobPath\":\"incoming/acme/lost.zip\"}", TimeSpan.Zero, CancellationToken.None);

        Assert.True(await HandleAsync(nameof(SnapshotFunctions.IngestSnapshotPoisoned)));

        var published = await app.Get<IWorkQueueFactory>().Get(QueueNames.Events).ReceiveAsync(TimeSpan.FromMinutes(1), CancellationToken.None);
        var e = JsonDocument.Parse(published!.Text).RootElement;
        Assert.Equal(SnapshotEventTypes.IngestionFailed, e.GetProperty("type").GetString());
        Assert.Contains("incoming/acme/lost.zip", published.Text, StringComparison.Ordinal);
        Assert.Contains("\"acme\"", published.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PickUpSnapshots_SendsEachNewBundleUnderAnOrgFolderOnce_AndItIsIngested()
    {
        Drop("acme/2026-03-01.zip", FunctionApp.SmallSnapshot("acme"));
        Drop("acme/readme.txt", "not a bundle"u8.ToArray());
        Drop("loose.zip", FunctionApp.SmallSnapshot("acme"));
        var function = ActivatorUtilities.CreateInstance<SnapshotFunctions>(app.Services);

        var first = await function.SweepAsync(CancellationToken.None);
        var second = await ActivatorUtilities.CreateInstance<SnapshotFunctions>(app.Services).SweepAsync(CancellationToken.None);
        await HandleAsync(nameof(SnapshotFunctions.IngestSnapshot));

        Assert.Equal(["incoming/acme/2026-03-01.zip"], first);
        Assert.Empty(second);
        Assert.NotNull(await Snapshots.GetLatestAsync("acme", CancellationToken.None));
        Assert.False(await HandleAsync(nameof(SnapshotFunctions.IngestSnapshot)));
    }

    public void Dispose()
    {
        app.Dispose();
        files.Dispose();
    }

    private void Drop(string path, byte[] bundle)
    {
        var full = Path.Combine(app.DataDir, "blobs", "incoming", path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, bundle);
    }

    private Task<string> SendAsync(object message) =>
        Queue.EnqueueAsync(JsonSerializer.Serialize(message), TimeSpan.Zero, CancellationToken.None);

    /// <summary>The local host's queue driver handles one message of the function's queue; false when it was empty.</summary>
    private Task<bool> HandleAsync(string function) =>
        app.Get<QueueTriggers>().HandleOneAsync(app.Get<FunctionCatalog>().Functions.Single(f => f.Name == function), CancellationToken.None);

    private static async Task<int> CountAsync(IWorkQueue queue)
    {
        var count = 0;
        while (await queue.ReceiveAsync(TimeSpan.FromHours(1), CancellationToken.None) is not null)
        {
            count++;
        }

        return count;
    }
}
