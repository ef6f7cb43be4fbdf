using System.Net;
using System.Net.Http.Json;
using Rebalancing.Functions.Orchestration;
using Rebalancing.Functions.Tests.Support;

namespace Rebalancing.Functions.Tests.Api;

public sealed class RebalancesApiTests : IDisposable
{
    private readonly FunctionApp app = new();

    [Fact]
    public async Task Start_WithoutKey_Answers401()
    {
        using var client = app.Anonymous();

        using var response = await client.PostAsync(new Uri("/api/orgs/acme/rebalances", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Start_ForAnOrgWithASnapshot_Answers202WithRunIdStatusUriAndLocation()
    {
        await app.UploadAsync("acme");
        using var client = app.Client();

        using var response = await client.PostAsync(new Uri("/api/orgs/acme/rebalances", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await Json.ReadAsync(response);
        var runId = body.GetProperty("runId").GetString()!;
        Assert.Equal($"/api/rebalances/{runId}", body.GetProperty("statusUri").GetString());
        Assert.Equal($"/api/rebalances/{runId}", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Start_WhileTheOrgHasAnActiveRun_Answers409WithTheActiveRun()
    {
        await app.UploadAsync("acme");
        using var client = app.Client();
        using var first = await client.PostAsync(new Uri("/api/orgs/acme/rebalances", UriKind.Relative), null);
        var runId = (await Json.ReadAsync(first)).GetProperty("runId").GetString();

        using var second = await client.PostAsJsonAsync(new Uri("/api/orgs/acme/rebalances", UriKind.Relative), new { approvers = new[] { new { id = "ann" } } });

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        var body = await Json.ReadAsync(second);
        Assert.Equal(runId, body.GetProperty("runId").GetString());
        Assert.Equal($"/api/rebalances/{runId}", body.GetProperty("statusUri").GetString());
    }

    [Fact]
    public async Task Start_ForAnOrgWithoutSnapshot_Answers404()
    {
        using var client = app.Client();

        using var response = await client.PostAsync(new Uri("/api/orgs/nobody/rebalances", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Start_WithAnInvalidPolicy_Answers400()
    {
        await app.UploadAsync("acme");
        using var client = app.Client();

        using var response = await client.PostAsJsonAsync(new Uri("/api/orgs/acme/rebalances", UriKind.Relative), new { policy = new { no_such_setting = 1 } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("GET", "/api/rebalances/run-nope")]
    [InlineData("GET", "/api/rebalances/run-nope/moves")]
    [InlineData("GET", "/api/rebalances/run-nope/approvals")]
    [InlineData("GET", "/api/rebalances/run-nope/report")]
    [InlineData("POST", "/api/rebalances/run-nope/cancel")]
    public async Task RunRoutes_ForAnUnknownRun_Answer404(string method, string path)
    {
        using var client = app.Client();

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative)));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task RaiseEvent_ForAnUnknownRun_Answers404()
    {
        using var client = app.Client();

        using var response = await client.PostAsJsonAsync(new Uri("/api/rebalances/run-nope/events/approval", UriKind.Relative), new { approverId = "a", decision = "approve", eventId = "e1" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task GetRun_WhenProposed_AnswersStatusSummaryAndClusters()
    {
        var runId = await app.ProposedRunAsync("acme", new Approver("ann", null, true));
        using var client = app.Client();

        var run = await Json.ReadAsync(await client.GetAsync(new Uri($"/api/rebalances/{runId}", UriKind.Relative)));

        Assert.Equal("AwaitingApproval", run.GetProperty("status").GetString());
        Assert.Equal("acme", run.GetProperty("orgId").GetString());
        Assert.True(run.GetProperty("summary").GetProperty("moves").GetInt32() > 0);
        Assert.Equal(64, run.GetProperty("determinismHash").GetString()!.Length);
        Assert.All(run.GetProperty("clusters").EnumerateArray(), c => Assert.Equal("done", c.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task ListMoves_FiltersByPassClusterAndStatus()
    {
        var runId = await app.ProposedRunAsync("acme", new Approver("ann", null, true));
        using var client = app.Client();

        var all = (await Json.ReadAsync(await client.GetAsync(new Uri($"/api/rebalances/{runId}/moves", UriKind.Relative)))).GetProperty("moves").EnumerateArray().ToList();
        var cluster = all[0].GetProperty("toCluster").GetString();
        var pass1 = (await Json.ReadAsync(await client.GetAsync(new Uri($"/api/rebalances/{runId}/moves?pass=1", UriKind.Relative)))).GetProperty("moves").EnumerateArray().ToList();
        var inCluster = (await Json.ReadAsync(await client.GetAsync(new Uri($"/api/rebalances/{runId}/moves?cluster={cluster}", UriKind.Relative)))).GetProperty("moves").EnumerateArray().ToList();
        var applied = (await Json.ReadAsync(await client.GetAsync(new Uri($"/api/rebalances/{runId}/moves?status=applied", UriKind.Relative)))).GetProperty("moves").EnumerateArray().ToList();
        using var badStatus = await client.GetAsync(new Uri($"/api/rebalances/{runId}/moves?status=maybe", UriKind.Relative));

        Assert.NotEmpty(all);
        Assert.All(all, m => Assert.Equal("proposed", m.GetProperty("status").GetString()));
        Assert.All(pass1, m => Assert.Equal(1, m.GetProperty("pass").GetInt32()));
        Assert.All(inCluster, m => Assert.True(m.GetProperty("fromCluster").GetString() == cluster || m.GetProperty("toCluster").GetString() == cluster));
        Assert.NotEmpty(inCluster);
        Assert.Empty(applied);
        Assert.Equal(HttpStatusCode.BadRequest, badStatus.StatusCode);
    }

    [Fact]
    public async Task Approvals_IssueThenList_Answers201WithUrlAndListsIt()
    {
        var runId = await app.ProposedRunAsync("acme", new Approver("ann", null, true));
        using var client = app.Client();

        using var issued = await client.PostAsJsonAsync(new Uri($"/api/rebalances/{runId}/approvals", UriKind.Relative), new { approverId = "bob", email = "bob@example.com", elevated = false });
        var listed = (await Json.ReadAsync(await client.GetAsync(new Uri($"/api/rebalances/{runId}/approvals", UriKind.Relative)))).GetProperty("approvals").EnumerateArray().ToList();

        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var url = (await Json.ReadAsync(issued)).GetProperty("url").GetString()!;
        Assert.StartsWith("http://localhost/approve/v1.", url, StringComparison.Ordinal);
        var bob = Assert.Single(listed, a => a.GetProperty("approverId").GetString() == "bob");
        Assert.Equal(url, bob.GetProperty("url").GetString());
        Assert.False(bob.GetProperty("elevated").GetBoolean());
        Assert.Equal(JsonValueKindNull, bob.GetProperty("usedAt").ValueKind);
    }

    [Fact]
    public async Task ApprovalEvent_ThenWork_AppliesTheRun_AndLaterEventsAndCancelAnswer410()
    {
        var runId = await app.ProposedRunAsync("acme", new Approver("ann", null, true));
        using var client = app.Client();

        using var approve = await client.PostAsJsonAsync(new Uri($"/api/rebalances/{runId}/events/approval", UriKind.Relative), new { approverId = "ann", decision = "approve", eventId = "ev-1", elevated = true });
        await app.DrainWorkAsync();
        var run = await Json.ReadAsync(await client.GetAsync(new Uri($"/api/rebalances/{runId}", UriKind.Relative)));
        using var late = await client.PostAsJsonAsync(new Uri($"/api/rebalances/{runId}/events/approval", UriKind.Relative), new { approverId = "ann", decision = "reject", eventId = "ev-2" });
        using var cancel = await client.PostAsync(new Uri($"/api/rebalances/{runId}/cancel", UriKind.Relative), null);
        var applied = (await Json.ReadAsync(await client.GetAsync(new Uri($"/api/rebalances/{runId}/moves?status=applied", UriKind.Relative)))).GetProperty("moves").GetArrayLength();

        Assert.Equal(HttpStatusCode.Accepted, approve.StatusCode);
        Assert.Equal("Applied", run.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Gone, late.StatusCode);
        Assert.Equal(HttpStatusCode.Gone, cancel.StatusCode);
        Assert.True(applied > 0);
    }

    [Fact]
    public async Task Cancel_AnActiveRun_Answers202AndTheRunEndsCancelled()
    {
        await app.UploadAsync("acme");
        using var client = app.Client();
        using var start = await client.PostAsync(new Uri("/api/orgs/acme/rebalances", UriKind.Relative), null);
        var runId = (await Json.ReadAsync(start)).GetProperty("runId").GetString();

        using var cancel = await client.PostAsync(new Uri($"/api/rebalances/{runId}/cancel", UriKind.Relative), null);
        await app.DrainWorkAsync();

        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        var run = await Json.ReadAsync(await client.GetAsync(new Uri($"/api/rebalances/{runId}", UriKind.Relative)));
        Assert.Equal("Cancelled", run.GetProperty("status").GetString());
    }

    [Fact]
    public async Task RaiseEvent_WithAnUnknownName_Answers400()
    {
        var runId = await app.ProposedRunAsync("acme", new Approver("ann", null, true));
        using var client = app.Client();

        using var response = await client.PostAsJsonAsync(new Uri($"/api/rebalances/{runId}/events/teleport", UriKind.Relative), new { });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Report_ForAProposedRun_IsHtmlWithSvgChartsAndASortableTableUnderTheCspNonce()
    {
        var runId = await app.ProposedRunAsync("acme", new Approver("ann", null, true));
        using var client = app.Client();

        using var response = await client.GetAsync(new Uri($"/api/rebalances/{runId}/report", UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.Contains("Moves per pass", html, StringComparison.Ordinal);
        Assert.Contains("Units by route", html, StringComparison.Ordinal);
        Assert.Contains("class=\"sortable\"", html, StringComparison.Ordinal);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        var nonce = csp.Split("'nonce-")[1].Split('\'')[0];
        Assert.Contains($"<script nonce=\"{nonce}\">", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_ForAProposedRun_ShowsTheBeforeAfterKpisAndTheOptimalityRatio()
    {
        var runId = await app.ProposedRunAsync("acme", new Approver("ann", null, true));
        using var client = app.Client();

        var html = await client.GetStringAsync(new Uri($"/api/rebalances/{runId}/report", UriKind.Relative));

        Assert.Contains("Viable size runs", html, StringComparison.Ordinal);
        Assert.Contains("Units at risk of markdown", html, StringComparison.Ordinal);
        Assert.DoesNotContain("did not record before/after KPIs", html, StringComparison.Ordinal);
        Assert.Contains("ptimality", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListMoves_ReasonsAreTheEnginesCatalogueCodes()
    {
        var runId = await app.ProposedRunAsync("acme", new Approver("ann", null, true));
        using var client = app.Client();

        var moves = (await Json.ReadAsync(await client.GetAsync(new Uri($"/api/rebalances/{runId}/moves", UriKind.Relative)))).GetProperty("moves").EnumerateArray().ToList();

        Assert.NotEmpty(moves);
        Assert.All(moves, m => Assert.Matches("^[A-Z_]+$", m.GetProperty("reason").GetString()!));
    }

    [Fact]
    public async Task AnApprovalRaisedBeforeTheRunWaits_IsKept_AndAppliedWhenThePlanIsProposed()
    {
        await app.UploadAsync("acme");
        using var client = app.Client();
        using var start = await client.PostAsync(new Uri("/api/orgs/acme/rebalances", UriKind.Relative), null);
        var runId = (await Json.ReadAsync(start)).GetProperty("runId").GetString();

        using var early = await client.PostAsJsonAsync(new Uri($"/api/rebalances/{runId}/events/approval", UriKind.Relative), new { approverId = "ann", decision = "approve", eventId = "early-1", elevated = true });
        await app.DrainWorkAsync();

        Assert.Equal(HttpStatusCode.Accepted, early.StatusCode);
        var run = await Json.ReadAsync(await client.GetAsync(new Uri($"/api/rebalances/{runId}", UriKind.Relative)));
        Assert.Equal("Applied", run.GetProperty("status").GetString());
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;

    public void Dispose() => app.Dispose();
}
