using System.Net.Http.Json;
using Rebalancing.Functions.Application;
using Rebalancing.Functions.Orchestration;
using Rebalancing.Functions.Tests.Support;

namespace Rebalancing.Functions.Tests.Approval;

/// <summary>The approval link in a real browser (headless Chromium over the DevTools protocol), against the app on Kestrel with its background triggers.</summary>
public sealed class ApprovalBrowserTests
{
    [Fact]
    public async Task OpenTheLinkInChromium_SeeThePlan_Approve_SeeTheConfirmation_AndTheRunIsApplied()
    {
        using var app = new FunctionApp(triggers: true, kestrel: true);
        await app.UploadAsync("acme");
        using var client = app.Client();
        using var start = await client.PostAsJsonAsync(new Uri("/api/orgs/acme/rebalances", UriKind.Relative), new { approvers = new[] { new { id = "ann", elevated = true } } });
        var runId = (await Json.ReadAsync(start)).GetProperty("runId").GetString()!;
        var runs = app.Get<IRebalanceRuns>();
        await WaitForAsync(async () => (await runs.GetAsync(runId, CancellationToken.None))!.Status == RunStatus.AwaitingApproval);
        using var issued = await client.PostAsJsonAsync(new Uri($"/api/rebalances/{runId}/approvals", UriKind.Relative), new { approverId = "ann", elevated = true });
        var link = new Uri((await Json.ReadAsync(issued)).GetProperty("url").GetString()!);
        Assert.StartsWith(app.BaseUrl.AbsoluteUri, link.AbsoluteUri, StringComparison.Ordinal);
        await using var browser = await HeadlessChromium.StartAsync();

        await browser.NavigateAsync(link);
        var page = await browser.WaitForTextAsync("Record my decision");
        Assert.Contains("Approve the rebalance of acme", page, StringComparison.Ordinal);
        Assert.Contains("Moves (page 1 of", page, StringComparison.Ordinal);
        Assert.Equal(RunStatus.AwaitingApproval, (await runs.GetAsync(runId, CancellationToken.None))!.Status);

        await browser.EvaluateAsync("document.querySelector('button.primary').click()");
        var confirmation = await browser.WaitForTextAsync("Decision recorded");

        Assert.Contains("ann recorded approve for the whole plan", confirmation, StringComparison.Ordinal);
        await WaitForAsync(async () => (await runs.GetAsync(runId, CancellationToken.None))!.Status == RunStatus.Applied);
        Assert.Equal(RunStatus.Applied, (await runs.GetAsync(runId, CancellationToken.None))!.Status);
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 1200 && !await condition(); i++)
        {
            await Task.Delay(100);
        }
    }
}
