using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Rebalancing.Functions.Approval;
using Rebalancing.Functions.Rebalances;
using Rebalancing.Functions.Tests.Support;
using static Rebalancing.Functions.Tests.Api.RebalancesApiTests;

namespace Rebalancing.Functions.Tests.Approval;

/// <summary>
/// The approval link (pipeline.md, Approval): GET shows and changes nothing, the page's form POST decides once, a
/// used link answers 409 to a POST and 410 to a GET, elevated moves need an elevated approver.
/// </summary>
public sealed partial class ApprovalLinkTests : IDisposable
{
    /// <summary>A policy under which every move is at elevated level.</summary>
    internal const string AllElevatedPolicy = "{\"approval\": {\"elevated_value\": 0.01}}";

    private readonly FunctionApp app = new();

    [Fact]
    public async Task Get_AValidLink_ShowsThePlanScopeAndAFormWithTheSecurityHeaders()
    {
        var (_, url) = await ProposedWithLinkAsync(elevated: false);
        using var browser = app.Anonymous();

        using var response = await browser.GetAsync(url);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<form method=\"post\"", html, StringComparison.Ordinal);
        Assert.Contains("standard</b> approver", html, StringComparison.Ordinal);
        Assert.Contains("Moves (page 1 of", html, StringComparison.Ordinal);
        Assert.Contains("/report\">Open the full report", html, StringComparison.Ordinal);
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("no-store", response.Headers.CacheControl!.ToString());
        Assert.StartsWith("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAndHead_NeverConsumeTheLink_AndThePostStillWorksAfterwards()
    {
        var (runId, url) = await ProposedWithLinkAsync(elevated: true);
        using var browser = app.Anonymous();

        for (var i = 0; i < 3; i++)
        {
            using var get = await browser.GetAsync(url);
            using var head = await browser.SendAsync(new HttpRequestMessage(HttpMethod.Head, url));
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        }

        Assert.Equal(RunStatus.AwaitingApproval, (await RunAsync(runId)).Status);
        Assert.Null(await UsedAtAsync(runId, "ann"));
        using var post = await PostAsync(browser, url, await FormFieldAsync(browser, url), "approve");
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
    }

    [Fact]
    public async Task Post_Approve_RecordsTheDecisionOnce_AndTheRunIsApplied()
    {
        var (runId, url) = await ProposedWithLinkAsync(elevated: true);
        using var browser = app.Anonymous();

        using var post = await PostAsync(browser, url, await FormFieldAsync(browser, url), "approve");
        var html = await post.Content.ReadAsStringAsync();
        var run = await app.WaitForAsync(runId, s => s.IsFinished());

        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Contains("Decision recorded", html, StringComparison.Ordinal);
        Assert.Contains("recorded <b>approve</b> for the whole plan", html, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Applied, run.Status);
        Assert.NotNull(await UsedAtAsync(runId, "ann"));
    }

    [Fact]
    public async Task Post_Reject_SaysTheRejectedMovesAreNotApplied_AndNeverThatApprovedMovesAre()
    {
        var (runId, url) = await ProposedWithLinkAsync(elevated: true);
        using var browser = app.Anonymous();

        using var post = await PostAsync(browser, url, await FormFieldAsync(browser, url), "reject");
        var html = await post.Content.ReadAsStringAsync();
        var run = await app.WaitForAsync(runId, s => s.IsFinished());

        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        var recorded = html[html.IndexOf("id=\"recorded\"", StringComparison.Ordinal)..];
        Assert.Contains("recorded <b>reject</b>", recorded, StringComparison.Ordinal);
        Assert.Contains("will not be applied", recorded, StringComparison.Ordinal);
        Assert.DoesNotContain("approved", recorded, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("are applied", recorded, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Rejected, run.Status);
    }

    [Fact]
    public async Task Post_ASubsetByPass_SaysWhatWasRecorded()
    {
        var (runId, url) = await ProposedWithLinkAsync(elevated: true);
        var pass = (await app.Get<RebalanceRuns>().ListMovesAsync(runId, 0, 1, CancellationToken.None))!.Moves[0].Move.Pass;
        using var browser = app.Anonymous();

        using var post = await PostAsync(browser, url, await FormFieldAsync(browser, url), "approve", ("pass", $"{pass}"), ("comment", "one pass only"));
        var html = await post.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Contains($"for passes {pass}", html, StringComparison.Ordinal);
        Assert.Contains("one pass only", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_AScopeFieldAsJson_DecidesThatSubset()
    {
        var (runId, url) = await ProposedWithLinkAsync(elevated: true);
        var pass = (await app.Get<RebalanceRuns>().ListMovesAsync(runId, 0, 1, CancellationToken.None))!.Moves[0].Move.Pass;
        using var browser = app.Anonymous();

        using var post = await PostAsync(browser, url, await FormFieldAsync(browser, url), "approve", ("scope", $"{{\"passes\": [{pass}]}}"));
        var html = await post.Content.ReadAsStringAsync();
        var moves = await MovesOnceDecidedAsync(runId);

        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Contains($"for passes {pass}", html, StringComparison.Ordinal);
        Assert.All(moves, m => Assert.Equal(m.Move.Pass == pass ? MoveStatus.Approved : MoveStatus.Proposed, m.Status));
    }

    [Theory]
    [InlineData("clusters: north")]
    [InlineData("{\"passes\": [7]}")]
    public async Task Post_AScopeFieldThatIsNeitherAllNorAScope_Answers400_AndTheLinkStaysUnused(string scope)
    {
        var (runId, url) = await ProposedWithLinkAsync(elevated: true);
        using var browser = app.Anonymous();

        using var post = await PostAsync(browser, url, await FormFieldAsync(browser, url), "approve", ("scope", scope));

        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.Null(await UsedAtAsync(runId, "ann"));
    }

    [Fact]
    public async Task Post_ASecondTime_Answers409_AndGetThenAnswers410()
    {
        var (runId, url) = await ProposedWithLinkAsync(elevated: true);
        var moves = (await app.Get<RebalanceRuns>().ListMovesAsync(runId, 0, 2, CancellationToken.None))!.Moves;
        Assert.Equal(2, moves.Count);
        using var browser = app.Anonymous();
        var field = await FormFieldAsync(browser, url);
        // One move only, so the run still waits for the others and the link, not the run, answers.
        using var first = await PostAsync(browser, url, field, "approve", ("moveIds", moves[0].Move.MoveId));

        using var second = await PostAsync(browser, url, field, "approve");
        using var get = await browser.GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal(HttpStatusCode.Gone, get.StatusCode);
    }

    [Fact]
    public async Task Post_ASecondTime_AfterTheRunFinished_StillAnswers409AlreadyUsed()
    {
        var (runId, url) = await ProposedWithLinkAsync(elevated: true);
        using var browser = app.Anonymous();
        var field = await FormFieldAsync(browser, url);
        using var first = await PostAsync(browser, url, field, "approve");
        Assert.Equal(RunStatus.Applied, (await app.WaitForAsync(runId, s => s.IsFinished())).Status);

        using var second = await PostAsync(browser, url, field, "reject");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
    }

    [Fact]
    public async Task Post_WithAScopeMatchingNoMove_Answers400_AndTheLinkStaysUnused()
    {
        var (runId, url) = await ProposedWithLinkAsync(elevated: true);
        using var browser = app.Anonymous();
        var field = await FormFieldAsync(browser, url);

        using var nothing = await PostAsync(browser, url, field, "approve", ("moveIds", "no-such-move"));
        var usedAfterRefusal = await UsedAtAsync(runId, "ann");
        using var get = await browser.GetAsync(url);
        using var retry = await PostAsync(browser, url, field, "approve");

        Assert.Equal(HttpStatusCode.BadRequest, nothing.StatusCode);
        Assert.Null(usedAfterRefusal);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
    }

    [Fact]
    public async Task Post_ByAStandardApprover_WhenEveryMoveIsElevated_Answers400_AndDecidesNothing()
    {
        await app.UploadAsync("acme");
        var runId = await app.StartAsync("acme", new StartRunRequest(PolicyJson: AllElevatedPolicy, Approvers: [new Approver("ann", null, true)]));
        Assert.Equal(RunStatus.AwaitingApproval, (await app.WaitForAsync(runId, s => s == RunStatus.AwaitingApproval || s.IsFinished())).Status);
        var url = await IssueAsync(runId, "sam", elevated: false);
        using var browser = app.Anonymous();

        using var post = await PostAsync(browser, url, await FormFieldAsync(browser, url), "approve");
        var html = await post.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.Contains("elevated", html, StringComparison.Ordinal);
        Assert.Null(await UsedAtAsync(runId, "sam"));
        var moves = (await app.Get<RebalanceRuns>().ListMovesAsync(runId, new MoveFilter(null, null, null), 10_000, null, CancellationToken.None))!.Moves;
        Assert.NotEmpty(moves);
        Assert.All(moves, m => Assert.Equal(MoveStatus.Proposed, m.Status));
        Assert.Equal(RunStatus.AwaitingApproval, (await RunAsync(runId)).Status);
    }

    [Fact]
    public async Task Post_ByAnElevatedApprover_WhenEveryMoveIsElevated_AppliesTheRun()
    {
        await app.UploadAsync("acme");
        var runId = await app.StartAsync("acme", new StartRunRequest(PolicyJson: AllElevatedPolicy, Approvers: [new Approver("ann", null, true)]));
        Assert.Equal(RunStatus.AwaitingApproval, (await app.WaitForAsync(runId, s => s == RunStatus.AwaitingApproval || s.IsFinished())).Status);
        var url = await IssueAsync(runId, "ann", elevated: true);
        using var browser = app.Anonymous();

        using var post = await PostAsync(browser, url, await FormFieldAsync(browser, url), "approve");

        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal(RunStatus.Applied, (await app.WaitForAsync(runId, s => s.IsFinished())).Status);
    }

    [Fact]
    public async Task Post_WithoutTheAntiForgeryField_Answers403AndRecordsNothing()
    {
        var (runId, url) = await ProposedWithLinkAsync(elevated: true);
        using var browser = app.Anonymous();

        using var missing = await PostAsync(browser, url, null, "approve");
        using var wrong = await PostAsync(browser, url, "forged", "approve");

        Assert.Equal(HttpStatusCode.Forbidden, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.Null(await UsedAtAsync(runId, "ann"));
    }

    [Fact]
    public async Task Post_AChunkedFormOver1MB_Answers413_AndTheLinkStaysUnused()
    {
        var (runId, url) = await ProposedWithLinkAsync(elevated: true);
        using var browser = app.Anonymous();
        var field = await FormFieldAsync(browser, url);
        var form = Encoding.ASCII.GetBytes($"decision=approve&{ApprovalForm.AntiForgeryField}={Uri.EscapeDataString(field)}&comment=" + new string('x', 1024 * 1024));
        // A stream of unknown length: the request declares no Content-Length.
        using var content = new StreamContent(new NonSeekableStream(form));
        content.Headers.ContentType = new("application/x-www-form-urlencoded");

        using var post = await browser.PostAsync(url, content);

        Assert.Null(content.Headers.ContentLength);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, post.StatusCode);
        Assert.Null(await UsedAtAsync(runId, "ann"));
    }

    [Fact]
    public async Task Post_WithABadDecision_Answers400()
    {
        var (_, url) = await ProposedWithLinkAsync(elevated: true);
        using var browser = app.Anonymous();

        using var post = await PostAsync(browser, url, await FormFieldAsync(browser, url), "maybe");

        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
    }

    [Fact]
    public async Task GetAndPost_ATamperedToken_Answer404()
    {
        var (_, url) = await ProposedWithLinkAsync(elevated: false);
        var token = url.OriginalString["/approve/".Length..];
        var parts = token.Split('.');
        // Claim elevated instead of standard, keeping the signature.
        var payload = System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(parts[1])).Replace("\"standard\"", "\"elevated\"", StringComparison.Ordinal);
        var tampered = $"{parts[0]}.{System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(payload))}.{parts[2]}";
        using var browser = app.Anonymous();

        using var get = await browser.GetAsync(Relative("/approve/" + tampered));
        using var post = await PostAsync(browser, Relative("/approve/" + tampered), "x", "approve");
        using var garbage = await browser.GetAsync(Relative("/approve/not-a-token"));

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, garbage.StatusCode);
    }

    [Fact]
    public async Task Get_AGenuinelySignedTokenThatWasNeverIssued_Answers404()
    {
        var (runId, _) = await ProposedWithLinkAsync(elevated: true);
        var tokens = app.Get<ApprovalTokens>();
        var notIssued = tokens.Sign(new ApprovalClaims(runId, "ann", true, ApprovalTokens.NewNonce(), DateTimeOffset.UtcNow.AddHours(1)));
        var otherRun = tokens.Sign(new ApprovalClaims("run-other", "ann", true, ApprovalTokens.NewNonce(), DateTimeOffset.UtcNow.AddHours(1)));
        using var browser = app.Anonymous();

        using var a = await browser.GetAsync(Relative("/approve/" + notIssued));
        using var b = await browser.GetAsync(Relative("/approve/" + otherRun));

        Assert.Equal(HttpStatusCode.NotFound, a.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, b.StatusCode);
    }

    [Fact]
    public async Task Get_ATokenSignedWithAnotherKey_Answers404()
    {
        var (runId, _) = await ProposedWithLinkAsync(elevated: true);
        var foreign = new ApprovalTokens(new Rebalancing.Functions.Application.AppSecrets("k", "another-signing-key"u8.ToArray(), false), TimeProvider.System)
            .Sign(new ApprovalClaims(runId, "ann", true, ApprovalTokens.NewNonce(), DateTimeOffset.UtcNow.AddHours(1)));
        using var browser = app.Anonymous();

        using var response = await browser.GetAsync(Relative("/approve/" + foreign));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Get_WithAPage_ShowsThatPageOfTheMoves()
    {
        var (runId, url) = await ProposedWithLinkAsync(elevated: true);
        var moves = (await RunAsync(runId)).Summary!.Moves;
        Assert.True(moves > ApprovalPage.PageSize, "the test snapshot should plan more than one page of moves");
        using var browser = app.Anonymous();

        var first = await browser.GetStringAsync(url);
        var second = await browser.GetStringAsync(Relative(url.OriginalString + "?page=2"));

        Assert.Contains("Moves (page 1 of", first, StringComparison.Ordinal);
        Assert.Contains("?page=2\">next</a>", first, StringComparison.Ordinal);
        Assert.Contains("Moves (page 2 of", second, StringComparison.Ordinal);
        Assert.Contains("?page=1\">previous</a>", second, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_AnExpiredToken_Answers410()
    {
        var (runId, _) = await ProposedWithLinkAsync(elevated: true);
        var expired = app.Get<ApprovalTokens>().Sign(new ApprovalClaims(runId, "ann", true, ApprovalTokens.NewNonce(), DateTimeOffset.UtcNow.AddMinutes(-1)));
        using var browser = app.Anonymous();

        using var response = await browser.GetAsync(Relative("/approve/" + expired));

        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
    }

    [Fact]
    public async Task TheWholeFlow_NeverWritesTheTokenToAnyLog()
    {
        var (runId, url) = await ProposedWithLinkAsync(elevated: true);
        var token = url.OriginalString["/approve/".Length..];
        using var browser = app.Anonymous();

        using var get = await browser.GetAsync(url);
        using var head = await browser.SendAsync(new HttpRequestMessage(HttpMethod.Head, url));
        using var report = await browser.GetAsync(Relative(url.OriginalString + "/report"));
        using var post = await PostAsync(browser, url, await FormFieldAsync(browser, url), "approve");
        using var again = await PostAsync(browser, url, "x", "approve");
        await app.WaitForAsync(runId, s => s.IsFinished());

        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        Assert.NotEmpty(app.Logs.Lines);
        var signature = token.Split('.')[2];
        var leaks = app.Logs.Lines.Where(line => line.Contains(signature, StringComparison.Ordinal)).ToList();
        Assert.Equal(Array.Empty<string>(), leaks.Select(l => string.Join(" ", l.Split(" ").Take(2))).Distinct());
    }

    [Fact]
    public async Task TwoConcurrentPosts_OfOneLink_RecordExactlyOneDecision_TheOneThePageShows()
    {
        var (runId, url) = await ProposedWithLinkAsync(elevated: true);
        using var one = app.Anonymous();
        using var two = app.Anonymous();
        var field = await FormFieldAsync(one, url);

        var answers = await Task.WhenAll(PostAsync(one, url, field, "approve"), PostAsync(two, url, field, "reject"));
        var run = await app.WaitForAsync(runId, s => s.IsFinished());

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], answers.Select(a => a.StatusCode).Order());
        var shown = await answers.Single(a => a.StatusCode == HttpStatusCode.OK).Content.ReadAsStringAsync();
        Assert.Equal(run.Status == RunStatus.Applied ? "approve" : "reject", shown.Contains("recorded <b>approve</b>", StringComparison.Ordinal) ? "approve" : "reject");
        foreach (var answer in answers)
        {
            answer.Dispose();
        }
    }

    [Fact]
    public async Task Post_OfALinkWhoseUseWasRecordedButNeverRaised_RaisesTheRecordedDecision_AndAnswers409()
    {
        var (runId, url) = await ProposedWithLinkAsync(elevated: true);
        using var browser = app.Anonymous();
        var field = await FormFieldAsync(browser, url);
        // A post that claimed the link, then failed before raising its decision.
        app.Get<ApprovalTokens>().Read(url.OriginalString.Split('/')[^1], out var claims);
        var rejected = new ApprovalDecision("approval-" + claims!.Nonce, claims.ApproverId, DecisionKind.Reject, ApprovalScope.All, claims.Elevated);
        Assert.True(await app.Get<ApprovalLinks>().RecordUseAsync(runId, new LinkUse(claims.Nonce, claims.ApproverId, "reject", "the whole plan", null, DateTimeOffset.UnixEpoch, rejected), CancellationToken.None));

        using var post = await PostAsync(browser, url, field, "approve");
        var run = await app.WaitForAsync(runId, s => s.IsFinished());

        Assert.Equal(HttpStatusCode.Conflict, post.StatusCode);
        Assert.Equal(RunStatus.Rejected, run.Status);
    }

    public void Dispose() => app.Dispose();

    private async Task<(string RunId, Uri Url)> ProposedWithLinkAsync(bool elevated)
    {
        var runId = await app.ProposedRunAsync("acme", new Approver("ann", null, Elevated: true));
        return (runId, await IssueAsync(runId, elevated ? "ann" : "sam", elevated));
    }

    private async Task<Uri> IssueAsync(string runId, string approverId, bool elevated)
    {
        using var client = app.Client();
        using var issued = await client.PostAsJsonAsync(Relative($"/api/rebalances/{runId}/approvals"), new { approverId, elevated });
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var url = new Uri((await Json.ReadAsync(issued)).GetProperty("url").GetString()!);
        return Relative(url.PathAndQuery);
    }

    private async Task<RunView> RunAsync(string runId) => (await app.Get<RebalanceRuns>().GetAsync(app.Durable, runId, CancellationToken.None))!;

    /// <summary>The run's moves once the orchestration has recorded a decision (it does so after the page answers).</summary>
    private async Task<IReadOnlyList<RunMove>> MovesOnceDecidedAsync(string runId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var moves = (await app.Get<RebalanceRuns>().ListMovesAsync(runId, 0, 10_000, CancellationToken.None))!.Moves;
            if (moves.Any(m => m.Status != MoveStatus.Proposed) || DateTime.UtcNow > deadline)
            {
                return moves;
            }

            await Task.Delay(50);
        }
    }

    private async Task<DateTimeOffset?> UsedAtAsync(string runId, string approverId)
    {
        using var client = app.Client();
        var approvals = (await Json.ReadAsync(await client.GetAsync(Relative($"/api/rebalances/{runId}/approvals")))).GetProperty("approvals");
        var approver = approvals.EnumerateArray().Single(a => a.GetProperty("approverId").GetString() == approverId);
        return approver.TryGetProperty("usedAt", out var used) && used.ValueKind == JsonValueKind.String ? used.GetDateTimeOffset() : null;
    }

    internal static async Task<string> FormFieldAsync(HttpClient browser, Uri url)
    {
        var html = await browser.GetStringAsync(url);
        return FormField().Match(html).Groups[1].Value;
    }

    internal static Task<HttpResponseMessage> PostAsync(HttpClient browser, Uri url, string? formField, string decision, params (string Name, string Value)[] extra)
    {
        var fields = new List<KeyValuePair<string, string>> { new("decision", decision) };
        if (formField is not null)
        {
            fields.Add(new(ApprovalForm.AntiForgeryField, formField));
        }

        fields.AddRange(extra.Select(e => new KeyValuePair<string, string>(e.Name, e.Value)));
        return browser.PostAsync(url, new FormUrlEncodedContent(fields));
    }

    /// <summary>A read-only stream that cannot tell its length (as a chunked upload).</summary>
    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes, writable: false)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }

    [GeneratedRegex("name=\"__af\" value=\"([^\"]+)\"")]
    private static partial Regex FormField();
}
