using System.Net;
using System.Net.Http.Json;
using Rebalancing.Functions.Rebalances;
using Rebalancing.Functions.Storage;
using Rebalancing.Functions.Tests.Support;
using static Rebalancing.Functions.Tests.Api.RebalancesApiTests;
using static Rebalancing.Functions.Tests.Approval.ApprovalLinkTests;

namespace Rebalancing.Functions.Tests.Approval;

/// <summary>Upload → start → AwaitingApproval → approve through the link → Applied, over HTTP only, ledger checked (embedded default).</summary>
public sealed class EndToEndTests
{
    [Fact]
    public async Task UploadStartApproveThroughTheLink_AppliesTheRun_AndTheLedgerHoldsEveryApprovedMove()
    {
        using var app = new FunctionApp();
        using var client = app.Client();
        const string orgId = "e2e";

        using var upload = await client.PostAsync(Relative($"/api/orgs/{orgId}/snapshots"), Api.SnapshotsApiTests.Zip(FunctionApp.SmallSnapshot(orgId)));
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        using var start = await client.PostAsJsonAsync(Relative($"/api/orgs/{orgId}/rebalances"), new { approvers = new[] { new { id = "ann", email = "ann@example.com", elevated = true } } });
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        var started = await Json.ReadAsync(start);
        var statusUri = Relative(started.GetProperty("statusUri").GetString()!);
        var runId = started.GetProperty("runId").GetString()!;
        await app.WaitForAsync(runId, s => s == RunStatus.AwaitingApproval || s.IsFinished());
        Assert.Equal("AwaitingApproval", (await Json.ReadAsync(await client.GetAsync(statusUri))).GetProperty("status").GetString());

        using var issued = await client.PostAsJsonAsync(Relative($"/api/rebalances/{runId}/approvals"), new { approverId = "ann", elevated = true });
        var link = Relative(new Uri((await Json.ReadAsync(issued)).GetProperty("url").GetString()!).PathAndQuery);
        using var browser = app.Anonymous();
        using var post = await PostAsync(browser, link, await FormFieldAsync(browser, link), "approve");
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        await app.WaitForAsync(runId, s => s.IsFinished());

        var run = await Json.ReadAsync(await client.GetAsync(statusUri));
        Assert.Equal("Applied", run.GetProperty("status").GetString());
        var moves = (await Json.ReadAsync(await client.GetAsync(Relative($"/api/rebalances/{runId}/moves")))).GetProperty("moves").EnumerateArray().ToList();
        Assert.NotEmpty(moves);
        Assert.All(moves, m => Assert.Equal("applied", m.GetProperty("status").GetString()));
        var ledger = app.Get<StorageServices>().Ledger;
        var orders = await ledger.ListByRunAsync(orgId, runId, CancellationToken.None);
        Assert.Equal(moves.Select(m => m.GetProperty("moveId").GetString()).Order(StringComparer.Ordinal), orders.Select(o => o.MoveId).Order(StringComparer.Ordinal));
        var totals = await ledger.GetTotalsAsync(orgId, runId, CancellationToken.None);
        Assert.Equal(moves.Count, totals!.Moves);
    }
}
