using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Rebalancing.Functions.Application;
using Rebalancing.Functions.Approval;
using Rebalancing.Functions.Orchestration;
using Rebalancing.Functions.Storage;
using Rebalancing.Functions.Tests.Support;

namespace Rebalancing.Functions.Tests.Approval;

public sealed partial class ApprovalLinkTests : IDisposable
{
    private readonly FunctionApp app = new();

    [Fact]
    public async Task Get_AValidLink_ShowsThePlanScopeAndAFormWithTheSecurityHeaders()
    {
        var (_, url) = await ProposedWithLinkAsync(elevated: false);
        using var browser = app.Anonymous();

        using var response = await browser.GetAsync(url);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<form method=\"post\"", html, StringComparison.Ordinal);
        Assert.Contains("standard</b> approver", html, StringComparison.Ordinal);
        Assert.Contains("Moves (page 1 of", html, StringComparison.Ordinal);
        Assert.Contains("/report\">Open the full report", html, StringComparison.Ordinal);
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("no-store", response.Headers.CacheControl!.ToString());
        Assert.StartsWith("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAndHead_NeverChangeState_AndThePostStillWorksAfterwards()
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

        await app.DrainWorkAsync();
        Assert.Equal(RunStatus.AwaitingApproval, (await app.Get<IRebalanceRuns>().GetAsync(runId, CancellationToken.None))!.Status);
        Assert.Empty(await app.Get<IRunStore>().ListUnconsumedInboxAsync(runId, CancellationToken.None));
        Assert.Null(await UsedAtAsync(runId));
        using var post = await PostAsync(browser, url, await FormFieldAsync(browser, url), "approve");
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
    }

    [Fact]
    public async Task Post_WithTheFormField_RecordsTheDecision_AndTheRunIsApplied()
    {
        var (runId, url) = await ProposedWithLinkAsync(elevated: true);
        using var browser = app.Anonymous();

        using var post = await PostAsync(browser, url, await FormFieldAsync(browser, url), "approve");
        var html = await post.Content.ReadAsStringAsync();
        await app.DrainWorkAsync();

        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Contains("Decision recorded", html, StringComparison.Ordinal);
        Assert.Contains("recorded <b>approve</b> for the whole plan", html, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Applied, (await app.Get<IRebalanceRuns>().GetAsync(runId, CancellationToken.None))!.Status);
        Assert.NotNull(await UsedAtAsync(runId));
    }

    [Fact]
    public async Task Post_ASubsetByPass_SaysWhatWasRecorded()
    {
        var (_, url) = await ProposedWithLinkAsync(elevated: true);
        using var browser = app.Anonymous();

        using var post = await PostAsync(browser, url, await FormFieldAsync(browser, url), "approve", ("pass", "1"), ("comment", "pass 1 only"));
        var html = await post.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Contains("for passes 1", html, StringComparison.Ordinal);
        Assert.Contains("pass 1 only", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_ASecondTime_Answers409_AndGetThenAnswers410()
    {
        var (_, url) = await ProposedWithLinkAsync(elevated: true);
        using var browser = app.Anonymous();
        var field = await FormFieldAsync(browser, url);
        using var first = await PostAsync(browser, url, field, "reject");

        using var second = await PostAsync(browser, url, field, "approve");
        using var get = await browser.GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal(HttpStatusCode.Gone, get.StatusCode);
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
        Assert.Empty(await app.Get<IRunStore>().ListUnconsumedInboxAsync(runId, CancellationToken.None));
        Assert.Null(await UsedAtAsync(runId));
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

        using var get = await browser.GetAsync(new Uri("/approve/" + tampered, UriKind.Relative));
        using var post = await PostAsync(browser, new Uri("/approve/" + tampered, UriKind.Relative), "x", "approve");
        using var garbage = await browser.GetAsync(new Uri("/approve/not-a-token", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, garbage.StatusCode);
    }

    [Fact]
    public async Task Get_AnExpiredLink_Answers410_AndPostToo()
    {
        var (_, url) = await ProposedWithLinkAsync(elevated: true);
        using var browser = app.Anonymous();
        var field = await FormFieldAsync(browser, url);

        app.Time.Advance(TimeSpan.FromHours(73));
        using var get = await browser.GetAsync(url);
        using var post = await PostAsync(browser, url, field, "approve");

        Assert.Equal(HttpStatusCode.Gone, get.StatusCode);
        Assert.Equal(HttpStatusCode.Gone, post.StatusCode);
    }

    [Fact]
    public async Task Get_ATokenForAnotherRun_Answers404()
    {
        var (runId, _) = await ProposedWithLinkAsync(elevated: true);
        var tokens = app.Get<ApprovalTokens>();
        // Genuinely signed, but never issued by that run (or for a run that does not exist).
        var notIssued = tokens.Sign(new ApprovalClaims(runId, "ann", true, ApprovalTokens.NewNonce(), app.Time.GetUtcNow().AddHours(1)));
        var otherRun = tokens.Sign(new ApprovalClaims("run-other", "ann", true, ApprovalTokens.NewNonce(), app.Time.GetUtcNow().AddHours(1)));
        using var browser = app.Anonymous();

        using var a = await browser.GetAsync(new Uri("/approve/" + notIssued, UriKind.Relative));
        using var b = await browser.GetAsync(new Uri("/approve/" + otherRun, UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, a.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, b.StatusCode);
    }

    [Fact]
    public async Task Get_ATokenSignedWithAnotherKey_Answers404()
    {
        var (runId, _) = await ProposedWithLinkAsync(elevated: true);
        var foreign = new ApprovalTokens(new AppSecrets("k", "another-key"u8.ToArray(), false), app.Time)
            .Sign(new ApprovalClaims(runId, "ann", true, ApprovalTokens.NewNonce(), app.Time.GetUtcNow().AddHours(1)));
        using var browser = app.Anonymous();

        using var response = await browser.GetAsync(new Uri("/approve/" + foreign, UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task TheWholeFlow_NeverWritesTheTokenToAnyLog()
    {
        var (_, url) = await ProposedWithLinkAsync(elevated: true);
        var token = url.OriginalString["/approve/".Length..];
        using var browser = app.Anonymous();

        using var get = await browser.GetAsync(url);
        using var head = await browser.SendAsync(new HttpRequestMessage(HttpMethod.Head, url));
        using var report = await browser.GetAsync(new Uri(url.OriginalString + "/report", UriKind.Relative));
        using var post = await PostAsync(browser, url, await FormFieldAsync(browser, url), "approve");
        using var again = await PostAsync(browser, url, "x", "approve");
        await app.DrainWorkAsync();

        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        Assert.NotEmpty(app.Logs.Lines);
        var signature = token.Split('.')[2];
        var leaks = app.Logs.Lines.Where(line => line.Contains(signature, StringComparison.Ordinal)).ToList();
        Assert.Equal(Array.Empty<string>(), leaks.Select(l => string.Join(" ", l.Split(" ").Take(2))).Distinct());
    }

    [Fact]
    public async Task TwoConcurrentPosts_OfOneLink_RecordExactlyOneDecision()
    {
        var (runId, url) = await ProposedWithLinkAsync(elevated: true);
        using var one = app.Anonymous();
        using var two = app.Anonymous();
        var field = await FormFieldAsync(one, url);

        var answers = await Task.WhenAll(PostAsync(one, url, field, "approve"), PostAsync(two, url, field, "reject"));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], answers.Select(a => a.StatusCode).Order());
        await app.DrainWorkAsync();
        var run = await app.Get<IRebalanceRuns>().GetAsync(runId, CancellationToken.None);
        Assert.Single(run!.DecisionEventIds);
        foreach (var answer in answers)
        {
            answer.Dispose();
        }
    }

    [Fact]
    public async Task Get_WithAPage_ShowsThatPageOfTheMoves()
    {
        var (_, url) = await ProposedWithLinkAsync(elevated: true);
        using var browser = app.Anonymous();

        var first = await browser.GetStringAsync(url);
        var second = await browser.GetStringAsync(new Uri(url.OriginalString + "?page=2", UriKind.Relative));

        Assert.Contains("Moves (page 1 of", first, StringComparison.Ordinal);
        Assert.Contains("?page=2\">next</a>", first, StringComparison.Ordinal);
        Assert.Contains("Moves (page 2 of", second, StringComparison.Ordinal);
        Assert.Contains("?page=1\">previous</a>", second, StringComparison.Ordinal);
    }

    public void Dispose() => app.Dispose();

    private async Task<(string RunId, Uri Url)> ProposedWithLinkAsync(bool elevated)
    {
        var runId = await app.ProposedRunAsync("acme", new Approver("ann", null, Elevated: true));
        using var client = app.Client();
        using var issued = await client.PostAsJsonAsync(new Uri($"/api/rebalances/{runId}/approvals", UriKind.Relative), new { approverId = elevated ? "ann" : "sam", elevated });
        var url = new Uri((await Json.ReadAsync(issued)).GetProperty("url").GetString()!);
        return (runId, new Uri(url.PathAndQuery, UriKind.Relative));
    }

    private async Task<DateTimeOffset?> UsedAtAsync(string runId)
    {
        using var client = app.Client();
        var approvals = (await Json.ReadAsync(await client.GetAsync(new Uri($"/api/rebalances/{runId}/approvals", UriKind.Relative)))).GetProperty("approvals");
        var used = approvals.EnumerateArray().Select(a => a.GetProperty("usedAt")).FirstOrDefault(u => u.ValueKind != System.Text.Json.JsonValueKind.Null);
        return used.ValueKind == System.Text.Json.JsonValueKind.String ? used.GetDateTimeOffset() : null;
    }

    private static async Task<string> FormFieldAsync(HttpClient browser, Uri url)
    {
        var html = await browser.GetStringAsync(url);
        return FormField().Match(html).Groups[1].Value;
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient browser, Uri url, string? formField, string decision, params (string Name, string Value)[] extra)
    {
        var fields = new List<KeyValuePair<string, string>> { new("decision", decision) };
        if (formField is not null)
        {
            fields.Add(new(ApprovalForm.AntiForgeryField, formField));
        }

        fields.AddRange(extra.Select(e => new KeyValuePair<string, string>(e.Name, e.Value)));
        return browser.PostAsync(url, new FormUrlEncodedContent(fields));
    }

    [GeneratedRegex("name=\"__af\" value=\"([^\"]+)\"")]
    private static partial Regex FormField();
}
