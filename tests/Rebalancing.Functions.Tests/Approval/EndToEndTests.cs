using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Rebalancing.Functions.Storage;
using Rebalancing.Functions.Tests.Harness;
using Rebalancing.Functions.Tests.Support;

namespace Rebalancing.Functions.Tests.Approval;

/// <summary>Upload → run → AwaitingApproval → approve via the link → Applied, ledger checked; on the embedded default and on the emulators.</summary>
[Collection(EmulatorGroup.Name)]
public sealed partial class EndToEndTests(EmulatorFixture emulators)
{
    [Theory]
    [InlineData("embedded")]
    [InlineData("azure")]
    public async Task UploadRunApproveViaTheLink_AppliesTheRun_AndTheLedgerHoldsEveryApprovedMove(string storage)
    {
        using var app = new FunctionApp(storage == "azure" ? new()
        {
            ["Rebalancing:Storage"] = "azure",
            ["Rebalancing:Azure:StorageConnectionString"] = emulators.Options.StorageConnectionString,
            ["Rebalancing:Azure:CosmosEndpoint"] = emulators.Options.CosmosEndpoint?.AbsoluteUri,
            ["Rebalancing:Azure:CosmosKey"] = EmulatorFixture.CosmosEmulatorKey,
            ["Rebalancing:Azure:Database"] = "e2e-" + Guid.NewGuid().ToString("N"),
        } : null);
        using var client = app.Client();
        var orgId = "e2e-" + Guid.NewGuid().ToString("N")[..8];

        using var bundle = new ByteArrayContent(FunctionApp.SmallSnapshot(orgId));
        bundle.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        using var upload = await client.PostAsync(new Uri($"/api/orgs/{orgId}/snapshots", UriKind.Relative), bundle);
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);

        using var start = await client.PostAsJsonAsync(new Uri($"/api/orgs/{orgId}/rebalances", UriKind.Relative), new { approvers = new[] { new { id = "ann", email = "ann@example.com", elevated = true } } });
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        var statusUri = new Uri((await Json.ReadAsync(start)).GetProperty("statusUri").GetString()!, UriKind.Relative);
        var runId = (await Json.ReadAsync(start)).GetProperty("runId").GetString()!;
        await app.DrainWorkAsync();
        Assert.Equal("AwaitingApproval", (await Json.ReadAsync(await client.GetAsync(statusUri))).GetProperty("status").GetString());

        using var issued = await client.PostAsJsonAsync(new Uri($"/api/rebalances/{runId}/approvals", UriKind.Relative), new { approverId = "ann", elevated = true });
        var link = new Uri(new Uri((await Json.ReadAsync(issued)).GetProperty("url").GetString()!).PathAndQuery, UriKind.Relative);
        using var browser = app.Anonymous();
        var field = FormField().Match(await browser.GetStringAsync(link)).Groups[1].Value;
        using var post = await browser.PostAsync(link, new FormUrlEncodedContent([new("decision", "approve"), new("__af", field)]));
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        await app.DrainWorkAsync();

        var run = await Json.ReadAsync(await client.GetAsync(statusUri));
        Assert.Equal("Applied", run.GetProperty("status").GetString());
        var moves = (await Json.ReadAsync(await client.GetAsync(new Uri($"/api/rebalances/{runId}/moves", UriKind.Relative)))).GetProperty("moves").EnumerateArray().ToList();
        Assert.All(moves, m => Assert.Equal("applied", m.GetProperty("status").GetString()));
        var ledger = await app.Get<ITransferLedger>().ListByRunAsync(orgId, runId, CancellationToken.None);
        Assert.Equal(moves.Select(m => m.GetProperty("moveId").GetString()).Order(StringComparer.Ordinal), ledger.Select(o => o.MoveId).Order(StringComparer.Ordinal));
        var totals = await app.Get<ITransferLedger>().GetTotalsAsync(orgId, runId, CancellationToken.None);
        Assert.Equal(moves.Count, totals!.Moves);
    }

    [Fact]
    public async Task OnTheEmulators_APickupSweepFindsABundleInTheIncomingContainer_AndTheQueueTriggerIngestsIt()
    {
        using var app = new FunctionApp(new()
        {
            ["Rebalancing:Storage"] = "azure",
            ["Rebalancing:Azure:StorageConnectionString"] = emulators.Options.StorageConnectionString,
            ["Rebalancing:Azure:CosmosEndpoint"] = emulators.Options.CosmosEndpoint?.AbsoluteUri,
            ["Rebalancing:Azure:CosmosKey"] = EmulatorFixture.CosmosEmulatorKey,
            ["Rebalancing:Azure:Database"] = "pickup-" + Guid.NewGuid().ToString("N"),
        });
        var orgId = "pick-" + Guid.NewGuid().ToString("N")[..8];
        var stores = app.Get<StorageServices>();
        await stores.Incoming!.CreateIfAbsentAsync($"{orgId}/snapshot.zip", FunctionApp.SmallSnapshot(orgId), "application/zip", CancellationToken.None);

        var sent = await app.Get<Rebalancing.Functions.Triggers.SnapshotPickupTrigger>().SweepAsync(CancellationToken.None);
        var runner = app.Get<Rebalancing.Functions.Triggers.QueueTriggerRunner>();
        var ingestion = app.Get<Rebalancing.Functions.Triggers.IngestionQueueTrigger>();
        while (await runner.PollOnceAsync(ingestion, CancellationToken.None))
        {
        }

        Assert.Contains($"incoming/{orgId}/snapshot.zip", sent);
        Assert.NotNull(await stores.Snapshots.GetLatestAsync(orgId, CancellationToken.None));
    }

    [GeneratedRegex("name=\"__af\" value=\"([^\"]+)\"")]
    private static partial Regex FormField();
}
