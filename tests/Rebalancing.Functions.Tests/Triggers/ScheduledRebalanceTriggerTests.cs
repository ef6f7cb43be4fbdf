using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Rebalancing.Functions.Rebalances;
using Rebalancing.Functions.Tests.Support;

namespace Rebalancing.Functions.Tests.Triggers;

/// <summary>The timer function <c>ScheduledRebalance</c>, called as the host calls it at an occurrence.</summary>
public sealed class ScheduledRebalanceTriggerTests : IDisposable
{
    private readonly FunctionApp app = new(new()
    {
        ["Rebalancing:Approvers:0:Id"] = "ops",
        ["Rebalancing:Approvers:0:Email"] = "ops@example.com",
        ["Rebalancing:Approvers:0:Elevated"] = "true",
    });

    [Fact]
    public async Task ScheduledRebalance_StartsARunForEveryOrgWithASnapshot_WithTheConfiguredApprovers()
    {
        await app.UploadAsync("acme");
        await app.UploadAsync("beta", seed: 2);

        await FireAsync(app);

        var runs = app.Get<RebalanceRuns>();
        foreach (var org in new[] { "acme", "beta" })
        {
            var runId = await runs.GetActiveRunIdAsync(org, CancellationToken.None);
            Assert.NotNull(runId);
            var record = await runs.GetRecordAsync(runId!, CancellationToken.None);
            Assert.Equal(org, record!.OrgId);
            var approver = Assert.Single(record.Input.Approvers);
            Assert.Equal(new Approver("ops", "ops@example.com", true), approver);
        }
    }

    [Fact]
    public async Task ScheduledRebalance_ForAnOrgWithAnActiveRun_StartsNoSecondRun()
    {
        await app.UploadAsync("acme");
        var active = await app.StartAsync("acme");

        await FireAsync(app);

        Assert.Equal(active, await app.Get<RebalanceRuns>().GetActiveRunIdAsync("acme", CancellationToken.None));
        Assert.Contains(app.Logs.Lines, l => l.Contains("Scheduled rebalance of org acme: Existing " + active, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ScheduledRebalance_WithTheScheduleDisabled_StartsNothing()
    {
        using var disabled = new FunctionApp(new() { ["Rebalancing:ScheduleEnabled"] = "false" });
        await disabled.UploadAsync("acme");

        await FireAsync(disabled);

        Assert.Null(await disabled.Get<RebalanceRuns>().GetActiveRunIdAsync("acme", CancellationToken.None));
    }

    [Fact]
    public async Task ScheduledRebalance_PastDue_StillRunsOnce()
    {
        await app.UploadAsync("acme");

        await FireAsync(app, pastDue: true);

        Assert.NotNull(await app.Get<RebalanceRuns>().GetActiveRunIdAsync("acme", CancellationToken.None));
        Assert.Contains(app.Logs.Lines, l => l.Contains("Scheduled rebalance fired (past due: True)", StringComparison.Ordinal));
    }

    public void Dispose() => app.Dispose();

    private static Task FireAsync(FunctionApp on, bool pastDue = false) =>
        ActivatorUtilities.CreateInstance<RebalanceFunctions>(on.Services)
            .ScheduledRebalance(new TimerInfo { IsPastDue = pastDue }, on.Durable, CancellationToken.None);
}
