using System.Net;
using System.Net.Http.Json;
using Rebalancing.Functions.Rebalances;
using Rebalancing.Functions.Tests.Support;

namespace Rebalancing.Functions.Tests.Approval;

/// <summary>
/// The approval link in a real browser (headless Chromium over the DevTools protocol) against the local host on
/// Kestrel with its background triggers: the page shows the plan, "Record my decision" posts the form, the run applies.
/// </summary>
public sealed class ApprovalBrowserTests
{
    [Fact]
    public async Task ApprovalPage_InChromium_RecordMyDecision_TakesTheRunToApplied()
    {
        using var app = new FunctionApp(triggers: true, kestrel: true);
        await app.UploadAsync("acme");
        using var client = app.Client();
        using var start = await client.PostAsJsonAsync(new Uri("/api/orgs/acme/rebalances", UriKind.Relative), new { approvers = new[] { new { id = "ann", elevated = true } } });
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        var runId = (await Json.ReadAsync(start)).GetProperty("runId").GetString()!;
        Assert.Equal(RunStatus.AwaitingApproval, (await app.WaitForAsync(runId, s => s == RunStatus.AwaitingApproval || s.IsFinished())).Status);
        using var issued = await client.PostAsJsonAsync(new Uri($"/api/rebalances/{runId}/approvals", UriKind.Relative), new { approverId = "ann", elevated = true });
        var link = new Uri((await Json.ReadAsync(issued)).GetProperty("url").GetString()!);
        Assert.StartsWith(app.BaseUrl.AbsoluteUri, link.AbsoluteUri, StringComparison.Ordinal);
        await using var browser = await HeadlessChromium.StartAsync();

        await browser.NavigateAsync(link);
        var page = await browser.WaitForTextAsync("Record my decision");
        Assert.Contains("Approve the rebalance of acme", page, StringComparison.Ordinal);
        Assert.Contains("Moves (page 1 of", page, StringComparison.Ordinal);
        Assert.Equal(RunStatus.AwaitingApproval, (await app.WaitForAsync(runId, _ => true)).Status);

        await browser.EvaluateAsync("[...document.querySelectorAll('button')].find(b => b.textContent === 'Record my decision').click()");
        var confirmation = await browser.WaitForTextAsync("Decision recorded");

        Assert.Contains("ann recorded approve for the whole plan", confirmation, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Applied, (await app.WaitForAsync(runId, s => s.IsFinished())).Status);
    }
}
