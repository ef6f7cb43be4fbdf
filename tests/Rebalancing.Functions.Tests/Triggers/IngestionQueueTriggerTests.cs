using System.Text.Json;
using Rebalancing.Functions.Storage;
using Rebalancing.Functions.Tests.Api;
using Rebalancing.Functions.Tests.Support;
using Rebalancing.Functions.Triggers;

namespace Rebalancing.Functions.Tests.Triggers;

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

    [Fact]
    public async Task AMessagePointingUnderIncoming_IngestsTheSnapshot_AndDeletesTheMessage()
    {
        Drop("drops/acme.zip", FunctionApp.SmallSnapshot("acme"));
        await SendAsync(new { orgId = "acme", blobPath = "incoming/drops/acme.zip" });

        Assert.True(await PollAsync());

        Assert.NotNull(await app.Get<ISnapshotStore>().GetLatestAsync("acme", CancellationToken.None));
        Assert.Equal(0, await CountAsync(Queue));
    }

    [Fact]
    public async Task AMessagePointingAtAnAllowedUrl_FetchesAndIngestsIt()
    {
        var bundle = FunctionApp.SmallSnapshot("acme");
        files.Respond = _ => (200, bundle);
        await SendAsync(new { orgId = "acme", url = files.Url("snapshots/acme.zip") });

        await PollAsync();

        Assert.NotNull(await app.Get<ISnapshotStore>().GetLatestAsync("acme", CancellationToken.None));
        Assert.Equal("/snapshots/acme.zip", Assert.Single(files.Received).Path);
    }

    [Fact]
    public async Task AnInvalidSnapshot_IsKeptUnderRejectedWithAnEvent_AndTheMessageIsDone()
    {
        Drop("bad.zip", SnapshotsApiTests.Corrupt(FunctionApp.SmallSnapshot("acme"), "inventory.csv", 2));
        await SendAsync(new { orgId = "acme", blobPath = "incoming/bad.zip" });

        await PollAsync();

        Assert.Null(await app.Get<ISnapshotStore>().GetLatestAsync("acme", CancellationToken.None));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(app.DataDir, "blobs", "rejected"), "*.json", SearchOption.AllDirectories));
        var events = app.Get<IWorkQueueFactory>().Get(QueueNames.Events);
        var published = await events.ReceiveAsync(TimeSpan.FromMinutes(1), CancellationToken.None);
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
    public async Task AMessageThatCanNeverBeHandled_GoesStraightToPoison(string text)
    {
        await Queue.EnqueueAsync(text, TimeSpan.Zero, CancellationToken.None);

        await PollAsync();

        Assert.Equal(0, await CountAsync(Queue));
        Assert.Equal(1, await CountAsync(Poison));
        Assert.Empty(files.Received);
    }

    [Fact]
    public async Task AMissingBlob_IsRetried_AndAfterFiveDeliveriesIsPoison()
    {
        await SendAsync(new { orgId = "acme", blobPath = "incoming/not-yet.zip" });
        var trigger = app.Get<IngestionQueueTrigger>();

        for (var delivery = 1; delivery <= 5; delivery++)
        {
            Assert.True(await PollAsync());
            app.Time.Advance(trigger.VisibilityTimeout + TimeSpan.FromSeconds(1));
        }

        Assert.False(await PollAsync());
        Assert.Equal(1, await CountAsync(Poison));
    }

    [Fact]
    public async Task AMissingBlobThatArrivesBeforeTheNextDelivery_IsIngested()
    {
        await SendAsync(new { orgId = "acme", blobPath = "incoming/late.zip" });
        await PollAsync();

        Drop("late.zip", FunctionApp.SmallSnapshot("acme"));
        app.Time.Advance(app.Get<IngestionQueueTrigger>().VisibilityTimeout + TimeSpan.FromSeconds(1));
        await PollAsync();

        Assert.NotNull(await app.Get<ISnapshotStore>().GetLatestAsync("acme", CancellationToken.None));
    }

    [Fact]
    public async Task ThePickupSweep_SendsEachNewBundleUnderAnOrgFolderOnce_AndItIsIngested()
    {
        Drop("acme/2026-03-01.zip", FunctionApp.SmallSnapshot("acme"));
        Drop("acme/readme.txt", "not a bundle"u8.ToArray());
        Drop("loose.zip", FunctionApp.SmallSnapshot("acme"));
        var pickup = app.Get<SnapshotPickupTrigger>();

        Assert.Empty(await pickup.TickAsync(CancellationToken.None));
        app.Time.Advance(TimeSpan.FromMinutes(5));
        var first = await pickup.TickAsync(CancellationToken.None);
        app.Time.Advance(TimeSpan.FromMinutes(5));
        var second = await pickup.TickAsync(CancellationToken.None);
        await PollAsync();

        Assert.Equal(["incoming/acme/2026-03-01.zip"], first);
        Assert.Empty(second);
        Assert.NotNull(await app.Get<ISnapshotStore>().GetLatestAsync("acme", CancellationToken.None));
        Assert.False(await PollAsync());
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

    private Task<bool> PollAsync() => app.Get<QueueTriggerRunner>().PollOnceAsync(app.Get<IngestionQueueTrigger>(), CancellationToken.None);

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
