using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Rebalancing.Functions.Rebalances;
using Rebalancing.Functions.Tests.Support;

namespace Rebalancing.Functions.Tests.Api;

/// <summary>The run routes over HTTP (http-api.md): start, status, moves, approvals, events, cancel, report.</summary>
public sealed class RebalancesApiTests : IDisposable
{
    private readonly FunctionApp app = new();

    [Fact]
    public async Task Start_WithoutKey_Answers401ProblemDetails()
    {
        using var client = app.Anonymous();

        using var response = await client.PostAsync(Relative("/api/orgs/acme/rebalances"), null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Unauthorized", (await Json.ReadAsync(response)).GetProperty("title").GetString());
    }

    [Fact]
    public async Task Start_ForAnOrgWithASnapshot_Answers202WithRunIdStatusUriAndLocation()
    {
        await app.UploadAsync("acme");
        using var client = app.Client();

        using var response = await client.PostAsync(Relative("/api/orgs/acme/rebalances"), null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await Json.ReadAsync(response);
        var runId = body.GetProperty("runId").GetString()!;
        Assert.Equal($"/api/rebalances/{runId}", body.GetProperty("statusUri").GetString());
        Assert.Equal($"/api/rebalances/{runId}", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Start_ASecondTimeForTheSameOrg_Answers409WithTheActiveRunsIdAndStatusUri()
    {
        await app.UploadAsync("acme");
        using var client = app.Client();
        using var first = await client.PostAsync(Relative("/api/orgs/acme/rebalances"), null);
        var runId = (await Json.ReadAsync(first)).GetProperty("runId").GetString();

        using var second = await client.PostAsJsonAsync(Relative("/api/orgs/acme/rebalances"), new { approvers = new[] { new { id = "ann" } } });

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        var body = await Json.ReadAsync(second);
        Assert.Equal(runId, body.GetProperty("runId").GetString());
        Assert.Equal($"/api/rebalances/{runId}", body.GetProperty("statusUri").GetString());
    }

    [Fact]
    public async Task Start_ForAnOrgWithoutSnapshot_Answers404ProblemNamingTheOrg()
    {
        using var client = app.Client();

        using var response = await client.PostAsync(Relative("/api/orgs/nobody/rebalances"), null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var problem = await ProblemAsync(response);
        Assert.Equal("orgId", problem.GetProperty("errors")[0].GetProperty("path").GetString());
    }

    [Fact]
    public async Task Start_WithAnInvalidPolicy_Answers400NamingThePolicy()
    {
        await app.UploadAsync("acme");
        using var client = app.Client();

        using var response = await client.PostAsJsonAsync(Relative("/api/orgs/acme/rebalances"), new { policy = new { no_such_setting = 1 } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await ProblemAsync(response)).GetProperty("errors").EnumerateArray().ToList();
        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.StartsWith("policy", e.GetProperty("path").GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_WithAnApproverWithoutId_Answers400NamingApprovers0Id()
    {
        await app.UploadAsync("acme");
        using var client = app.Client();

        using var response = await client.PostAsJsonAsync(Relative("/api/orgs/acme/rebalances"), new { approvers = new[] { new { email = "ann@example.com" } } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = Assert.Single((await ProblemAsync(response)).GetProperty("errors").EnumerateArray());
        Assert.Equal("approvers[0].id", error.GetProperty("path").GetString());
    }

    [Fact]
    public async Task Start_WithAnInvalidOrgId_Answers400NamingOrgId()
    {
        using var client = app.Client();

        using var response = await client.PostAsync(Relative("/api/orgs/ac%20me/rebalances"), null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains((await ProblemAsync(response)).GetProperty("errors").EnumerateArray(), e => e.GetProperty("path").GetString() == "orgId");
    }

    [Fact]
    public async Task Start_With51Approvers_Answers400NamingApprovers_AndStartsNothing()
    {
        await app.UploadAsync("acme");
        using var client = app.Client();
        var approvers = Enumerable.Range(0, RebalanceRuns.MaxApprovers + 1).Select(i => new { id = $"approver-{i}" }).ToArray();

        using var response = await client.PostAsJsonAsync(Relative("/api/orgs/acme/rebalances"), new { approvers });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = Assert.Single((await ProblemAsync(response)).GetProperty("errors").EnumerateArray());
        Assert.Equal("approvers", error.GetProperty("path").GetString());
        Assert.Contains("50", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Null(await app.Get<RebalanceRuns>().GetActiveRunIdAsync("acme", CancellationToken.None));
    }

    [Fact]
    public async Task Start_With50Approvers_Answers202()
    {
        await app.UploadAsync("acme");
        using var client = app.Client();
        var approvers = Enumerable.Range(0, RebalanceRuns.MaxApprovers).Select(i => new { id = $"approver-{i}" }).ToArray();

        using var response = await client.PostAsJsonAsync(Relative("/api/orgs/acme/rebalances"), new { approvers });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Theory]
    [InlineData("{\"approvers\": \"ann\"}", "approvers")]
    [InlineData("{\"approvers\": [{\"id\": \"ann\", \"elevated\": \"yes\"}]}", "approvers[0].elevated")]
    [InlineData("{\"snapshotId\": 42}", "snapshotId")]
    public async Task Start_WithAFieldOfTheWrongType_Answers400NamingTheFieldWithoutDotNetTypeNames(string body, string path)
    {
        using var client = app.Client();
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        using var response = await client.PostAsync(Relative("/api/orgs/acme/rebalances"), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ProblemAsync(response);
        var error = problem.GetProperty("errors")[0];
        Assert.Equal(path, error.GetProperty("path").GetString());
        var text = problem.GetRawText();
        Assert.DoesNotContain("System.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("`1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Rebalancing.", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WithAJsonBodyOver1MB_Answers413ProblemDetails()
    {
        using var client = app.Client();
        var padding = new string('x', 1024 * 1024);
        using var content = new StringContent($"{{\"snapshotId\": \"{padding}\"}}", Encoding.UTF8, "application/json");

        using var response = await client.PostAsync(Relative("/api/orgs/acme/rebalances"), content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("Payload Too Large", (await ProblemAsync(response)).GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("GET", "/api/rebalances/run-nope")]
    [InlineData("GET", "/api/rebalances/run-nope/moves")]
    [InlineData("GET", "/api/rebalances/run-nope/approvals")]
    [InlineData("GET", "/api/rebalances/run-nope/report")]
    [InlineData("POST", "/api/rebalances/run-nope/cancel")]
    [InlineData("POST", "/api/rebalances/run-nope/events/cancel")]
    public async Task RunRoutes_ForAnUnknownRun_Answer404ProblemDetails(string method, string path)
    {
        using var client = app.Client();

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), Relative(path)));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task RaiseApproval_ForAnUnknownRun_Answers404()
    {
        using var client = app.Client();

        using var response = await client.PostAsJsonAsync(Relative("/api/rebalances/run-nope/events/approval"), new { approverId = "a", decision = "approve", eventId = "e1" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task RaiseApproval_WithoutApproverIdAndWithABadDecision_Answers400NamingBothFields()
    {
        using var client = app.Client();

        using var response = await client.PostAsJsonAsync(Relative("/api/rebalances/run-nope/events/approval"), new { decision = "maybe", eventId = "e1" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var paths = (await ProblemAsync(response)).GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()).ToList();
        Assert.Equal(["approverId", "decision"], paths);
    }

    [Fact]
    public async Task GetRun_WhenProposed_AnswersStatusSummaryAndClustersInCamelCase()
    {
        var runId = await app.ProposedRunAsync("acme", new Approver("ann", null, true));
        using var client = app.Client();

        var run = await Json.ReadAsync(await client.GetAsync(Relative($"/api/rebalances/{runId}")));

        Assert.Equal(runId, run.GetProperty("runId").GetString());
        Assert.Equal("AwaitingApproval", run.GetProperty("status").GetString());
        Assert.Equal("acme", run.GetProperty("orgId").GetString());
        Assert.Equal("synthetic-s8-k60-seed1", run.GetProperty("snapshotId").GetString()); // the snapshot_id of its snapshot.json
        Assert.True(run.GetProperty("summary").GetProperty("moves").GetInt32() > 0);
        Assert.Equal(64, run.GetProperty("determinismHash").GetString()!.Length);
        Assert.NotEmpty(run.GetProperty("clusters").EnumerateArray());
        Assert.All(run.GetProperty("clusters").EnumerateArray(), c => Assert.Equal("done", c.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task ListMoves_FiltersByPassClusterAndStatus()
    {
        var runId = await app.ProposedRunAsync("acme", new Approver("ann", null, true));
        using var client = app.Client();

        var all = await MovesAsync(client, runId, "");
        var cluster = all[0].GetProperty("toCluster").GetString();
        var pass = all[0].GetProperty("pass").GetInt32();
        var inPass = await MovesAsync(client, runId, $"?pass={pass}");
        var inCluster = await MovesAsync(client, runId, $"?cluster={cluster}");
        var applied = await MovesAsync(client, runId, "?status=applied");
        var proposed = await MovesAsync(client, runId, "?status=proposed");

        Assert.NotEmpty(all);
        Assert.All(all, m => Assert.Equal("proposed", m.GetProperty("status").GetString()));
        Assert.NotEmpty(inPass);
        Assert.All(inPass, m => Assert.Equal(pass, m.GetProperty("pass").GetInt32()));
        Assert.NotEmpty(inCluster);
        Assert.All(inCluster, m => Assert.True(m.GetProperty("fromCluster").GetString() == cluster || m.GetProperty("toCluster").GetString() == cluster));
        Assert.Empty(applied);
        Assert.Equal(all.Count, proposed.Count);
    }

    [Fact]
    public async Task ListMoves_EachMove_HasThePlanOutputColumnsInCamelCaseAndACatalogueReason()
    {
        var runId = await app.ProposedRunAsync("acme", new Approver("ann", null, true));
        using var client = app.Client();

        var moves = await MovesAsync(client, runId, "");

        string[] columns = ["moveId", "pass", "fromNode", "toNode", "sku", "style", "size", "quantity", "fromCluster", "toCluster", "gpUplift", "freightCost", "netBenefit", "reason", "approvalLevel", "status"];
        Assert.All(moves, m => Assert.All(columns, c => Assert.True(m.TryGetProperty(c, out _), $"a move has no '{c}'")));
        Assert.All(moves, m => Assert.Matches("^[A-Z_]+$", m.GetProperty("reason").GetString()!));
        Assert.All(moves, m => Assert.Contains(m.GetProperty("approvalLevel").GetString(), new[] { "standard", "elevated" }));
    }

    [Theory]
    [InlineData("?pass=4", "pass")]
    [InlineData("?status=maybe", "status")]
    [InlineData("?status=1", "status")]
    [InlineData("?pageSize=0", "pageSize")]
    [InlineData("?pageSize=10001", "pageSize")]
    [InlineData("?pageSize=ten", "pageSize")]
    [InlineData("?continuationToken=not-a-token", "continuationToken")]
    public async Task ListMoves_WithABadQuery_Answers400NamingTheParameter(string query, string path)
    {
        var runId = await app.ProposedRunAsync("acme", new Approver("ann", null, true));
        using var client = app.Client();

        using var response = await client.GetAsync(Relative($"/api/rebalances/{runId}/moves{query}"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(path, (await ProblemAsync(response)).GetProperty("errors")[0].GetProperty("path").GetString());
    }

    [Fact]
    public async Task ListMoves_PagedByTwo_WalksEveryMoveOnceInPlanOrder_AndTheLastPageHasNoToken()
    {
        var runId = await app.ProposedRunAsync("acme", new Approver("ann", null, true));
        using var client = app.Client();
        var all = (await MovesAsync(client, runId, "")).Select(m => m.GetProperty("moveId").GetString()).ToList();
        Assert.True(all.Count > 2, "the test snapshot should plan more than two moves");

        var walked = new List<string?>();
        string? token = null;
        var pages = 0;
        do
        {
            var query = "?pageSize=2" + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token));
            var page = await Json.ReadAsync(await client.GetAsync(Relative($"/api/rebalances/{runId}/moves{query}")));
            var moves = page.GetProperty("moves").EnumerateArray().ToList();
            Assert.InRange(moves.Count, 1, 2);
            walked.AddRange(moves.Select(m => m.GetProperty("moveId").GetString()));
            token = page.TryGetProperty("continuationToken", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            pages++;
        }
        while (token is not null && pages < 10_000);

        Assert.Equal(all, walked);
        Assert.Equal((all.Count + 1) / 2, pages);
    }

    [Fact]
    public async Task ListMoves_FollowingOnlyTheToken_KeepsTheFirstRequestsFilterAndPageSize()
    {
        var runId = await app.ProposedRunAsync("acme", new Approver("ann", null, true));
        using var client = app.Client();
        var pass2 = (await MovesAsync(client, runId, "?pass=2")).Select(m => m.GetProperty("moveId").GetString()).ToList();
        Assert.True(pass2.Count > 2, "the test snapshot should plan more than two pass-2 moves");

        var walked = new List<string?>();
        var query = "?pass=2&pageSize=2";
        while (query is not null)
        {
            var page = await Json.ReadAsync(await client.GetAsync(Relative($"/api/rebalances/{runId}/moves{query}")));
            var moves = page.GetProperty("moves").EnumerateArray().ToList();
            Assert.InRange(moves.Count, 1, 2);
            walked.AddRange(moves.Select(m => m.GetProperty("moveId").GetString()));
            query = page.TryGetProperty("continuationToken", out var t) && t.ValueKind == JsonValueKind.String ? "?continuationToken=" + Uri.EscapeDataString(t.GetString()!) : null;
        }

        Assert.Equal(pass2, walked);
    }

    [Fact]
    public async Task ListMoves_ATokenWithAnotherFilter_Answers400()
    {
        var runId = await app.ProposedRunAsync("acme", new Approver("ann", null, true));
        using var client = app.Client();
        var first = await Json.ReadAsync(await client.GetAsync(Relative($"/api/rebalances/{runId}/moves?pass=2&pageSize=1")));
        var token = Uri.EscapeDataString(first.GetProperty("continuationToken").GetString()!);

        using var response = await client.GetAsync(Relative($"/api/rebalances/{runId}/moves?pass=1&continuationToken={token}"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = Assert.Single((await ProblemAsync(response)).GetProperty("errors").EnumerateArray());
        Assert.Equal("continuationToken", error.GetProperty("path").GetString());
    }

    [Fact]
    public async Task ListMoves_WithoutPageSize_AnswersUpTo1000Moves_AndAtMost10000WhenAsked()
    {
        var runId = await app.ProposedRunAsync("acme", new Approver("ann", null, true));
        using var client = app.Client();
        var total = (await Json.ReadAsync(await client.GetAsync(Relative($"/api/rebalances/{runId}")))).GetProperty("summary").GetProperty("moves").GetInt32();

        var byDefault = await Json.ReadAsync(await client.GetAsync(Relative($"/api/rebalances/{runId}/moves")));
        using var largest = await client.GetAsync(Relative($"/api/rebalances/{runId}/moves?pageSize=10000"));

        Assert.Equal(1000, RunFiles.PageSize);
        Assert.Equal(Math.Min(total, 1000), byDefault.GetProperty("moves").GetArrayLength());
        Assert.Equal(total > 1000, byDefault.TryGetProperty("continuationToken", out var t) && t.ValueKind == JsonValueKind.String);
        Assert.Equal(HttpStatusCode.OK, largest.StatusCode);
        Assert.Equal(Math.Min(total, 10_000), (await Json.ReadAsync(largest)).GetProperty("moves").GetArrayLength());
    }

    [Fact]
    public async Task IssueApproval_Answers201WithUrlAndExpiry_AndTheListShowsMetadataOnly()
    {
        var runId = await app.ProposedRunAsync("acme", new Approver("ann", null, true));
        using var client = app.Client();

        using var issued = await client.PostAsJsonAsync(Relative($"/api/rebalances/{runId}/approvals"), new { approverId = "bob", email = "bob@example.com", elevated = false });
        using var listed = await client.GetAsync(Relative($"/api/rebalances/{runId}/approvals"));

        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var link = await Json.ReadAsync(issued);
        var url = link.GetProperty("url").GetString()!;
        Assert.StartsWith("http://localhost/approve/v1.", url, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.String, link.GetProperty("expiresAt").ValueKind);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        var text = await listed.Content.ReadAsStringAsync();
        var bob = Assert.Single(JsonDocument.Parse(text).RootElement.GetProperty("approvals").EnumerateArray(), a => a.GetProperty("approverId").GetString() == "bob");
        Assert.False(bob.GetProperty("elevated").GetBoolean());
        Assert.Equal(link.GetProperty("expiresAt").GetDateTimeOffset(), bob.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.True(!bob.TryGetProperty("usedAt", out var used) || used.ValueKind == JsonValueKind.Null);
        Assert.Empty(bob.EnumerateObject().Select(p => p.Name).Except(["approverId", "elevated", "expiresAt", "usedAt"]));
        Assert.DoesNotContain("/approve/", text, StringComparison.Ordinal);
        Assert.DoesNotContain(url.Split('.')[^1], text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IssueApproval_WithoutApproverId_Answers400NamingApproverId()
    {
        var runId = await app.ProposedRunAsync("acme", new Approver("ann", null, true));
        using var client = app.Client();

        using var response = await client.PostAsJsonAsync(Relative($"/api/rebalances/{runId}/approvals"), new { email = "bob@example.com" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("approverId", (await ProblemAsync(response)).GetProperty("errors")[0].GetProperty("path").GetString());
    }

    [Fact]
    public async Task RaiseApproval_ThenTheRunIsApplied_AndLaterEventsAndCancelAnswer410()
    {
        var runId = await app.ProposedRunAsync("acme", new Approver("ann", null, true));
        using var client = app.Client();

        using var approve = await client.PostAsJsonAsync(Relative($"/api/rebalances/{runId}/events/approval"), new { approverId = "ann", decision = "approve", eventId = "ev-1", elevated = true });
        await app.WaitForAsync(runId, s => s.IsFinished());
        var run = await Json.ReadAsync(await client.GetAsync(Relative($"/api/rebalances/{runId}")));
        using var late = await client.PostAsJsonAsync(Relative($"/api/rebalances/{runId}/events/approval"), new { approverId = "ann", decision = "reject", eventId = "ev-2" });
        using var cancel = await client.PostAsync(Relative($"/api/rebalances/{runId}/cancel"), null);
        var applied = await MovesAsync(client, runId, "?status=applied");

        Assert.Equal(HttpStatusCode.Accepted, approve.StatusCode);
        Assert.Equal("Applied", run.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Gone, late.StatusCode);
        Assert.Equal(HttpStatusCode.Gone, cancel.StatusCode);
        Assert.NotEmpty(applied);
    }

    [Fact]
    public async Task RaiseApproval_WithAScopeMatchingNoMove_Answers400NamingScope_AndTheRunStillWaits()
    {
        var runId = await app.ProposedRunAsync("acme", new Approver("ann", null, true));
        using var client = app.Client();

        using var response = await client.PostAsJsonAsync(Relative($"/api/rebalances/{runId}/events/approval"),
            new { approverId = "ann", decision = "approve", eventId = "ev-1", elevated = true, scope = new { moveIds = new[] { "no-such-move" } } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("scope", (await ProblemAsync(response)).GetProperty("errors")[0].GetProperty("path").GetString());
        Assert.Equal(RunStatus.AwaitingApproval, (await app.Get<RebalanceRuns>().GetAsync(app.Durable, runId, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task RaiseApproval_TheSameEventIdTwice_Answers202BothTimes()
    {
        var runId = await app.ProposedRunAsync("acme", new Approver("ann", null, true), new Approver("bob", null, true));
        using var client = app.Client();
        var cluster = (await MovesAsync(client, runId, ""))[0].GetProperty("toCluster").GetString();
        var body = new { approverId = "ann", decision = "approve", eventId = "ev-1", elevated = true, scope = new { clusters = new[] { cluster } } };

        using var first = await client.PostAsJsonAsync(Relative($"/api/rebalances/{runId}/events/approval"), body);
        using var again = await client.PostAsJsonAsync(Relative($"/api/rebalances/{runId}/events/approval"), body);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
    }

    [Fact]
    public async Task Cancel_AnActiveRun_Answers202AndTheRunEndsCancelled()
    {
        var runId = await app.ProposedRunAsync("acme", new Approver("ann", null, true));
        using var client = app.Client();

        using var cancel = await client.PostAsync(Relative($"/api/rebalances/{runId}/cancel"), null);
        var run = await app.WaitForAsync(runId, s => s.IsFinished());

        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        Assert.Equal(RunStatus.Cancelled, run.Status);
        Assert.Null(await app.Get<RebalanceRuns>().GetActiveRunIdAsync("acme", CancellationToken.None));
    }

    [Fact]
    public async Task RaiseEvent_WithAnUnknownName_Answers400NamingName()
    {
        var runId = await app.ProposedRunAsync("acme", new Approver("ann", null, true));
        using var client = app.Client();

        using var response = await client.PostAsJsonAsync(Relative($"/api/rebalances/{runId}/events/teleport"), new { });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("name", (await ProblemAsync(response)).GetProperty("errors")[0].GetProperty("path").GetString());
    }

    [Fact]
    public async Task Report_ForAProposedRun_IsHtmlWithSvgChartsAndASortableTableUnderTheCspNonce()
    {
        var runId = await app.ProposedRunAsync("acme", new Approver("ann", null, true));
        using var client = app.Client();

        using var response = await client.GetAsync(Relative($"/api/rebalances/{runId}/report"));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.Contains("Moves per pass", html, StringComparison.Ordinal);
        Assert.Contains("class=\"sortable\"", html, StringComparison.Ordinal);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        var nonce = csp.Split("'nonce-")[1].Split('\'')[0];
        Assert.Contains($"<script nonce=\"{nonce}\">", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
    }

    public void Dispose() => app.Dispose();

    internal static Uri Relative(string path) => new(path, UriKind.Relative);

    /// <summary>Asserts the response is problem details with a title and a detail; returns its body.</summary>
    internal static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await Json.ReadAsync(response);
        Assert.Equal((int)response.StatusCode, body.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(body.GetProperty("detail").GetString()));
        return body;
    }

    private static async Task<List<JsonElement>> MovesAsync(HttpClient client, string runId, string query)
    {
        using var response = await client.GetAsync(Relative($"/api/rebalances/{runId}/moves{query}"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await Json.ReadAsync(response)).GetProperty("moves").EnumerateArray()];
    }
}
