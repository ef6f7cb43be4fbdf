using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Rebalancing.Functions.Application;
using Rebalancing.Functions.Orchestration;
using Rebalancing.Functions.Storage;
using Rebalancing.Functions.Tests.Support;
using Rebalancing.Functions.Triggers;

namespace Rebalancing.Functions.Tests.Triggers;

public sealed class ScheduledRebalanceTriggerTests : IDisposable
{
    private static readonly DateTimeOffset OneAm = new(2026, 3, 1, 1, 0, 0, TimeSpan.Zero);
    private readonly FunctionApp app = new(start: OneAm);

    [Fact]
    public async Task Tick_AtStartUp_RunsNothing()
    {
        await app.UploadAsync("acme");
        var trigger = NewInstance();

        var fired = await trigger.TickAsync(CancellationToken.None);

        Assert.Empty(fired);
        Assert.Null(await app.Get<IRebalanceRuns>().GetActiveRunIdAsync("acme", CancellationToken.None));
    }

    [Fact]
    public async Task Tick_AtStartUpWithRunOnStartup_RunsOnce()
    {
        using var configured = new FunctionApp(new() { ["Rebalancing:RunOnStartup"] = "true" }, start: OneAm);
        await configured.UploadAsync("acme");
        var trigger = NewInstance(configured);
        Assert.True(configured.Get<IOptions<RebalancingOptions>>().Value.RunOnStartup);

        var fired = await trigger.TickAsync(CancellationToken.None);

        var occurrence = Assert.Single(fired);
        Assert.True(occurrence.LeaseWon);
        Assert.Equal(["acme"], await configured.Get<ISnapshotStore>().ListOrgsAsync(CancellationToken.None));
        Assert.Equal("acme", Assert.Single(occurrence.Started).OrgId);
    }

    [Fact]
    public async Task Tick_AtTheOccurrence_StartsARunForEveryOrgWithASnapshot()
    {
        await app.UploadAsync("acme");
        await app.UploadAsync("beta", seed: 2);
        var trigger = NewInstance();
        await trigger.TickAsync(CancellationToken.None);

        app.Time.Advance(TimeSpan.FromHours(1));
        var fired = await trigger.TickAsync(CancellationToken.None);

        var occurrence = Assert.Single(fired);
        Assert.Equal(OneAm.AddHours(1), occurrence.Occurrence);
        Assert.False(occurrence.PastDue);
        Assert.True(occurrence.LeaseWon);
        Assert.Equal(["acme", "beta"], occurrence.Started.Select(s => s.OrgId).Order(StringComparer.Ordinal));
        Assert.NotNull(await app.Get<IRebalanceRuns>().GetActiveRunIdAsync("beta", CancellationToken.None));
    }

    [Fact]
    public async Task Tick_ForAnOrgWithAnActiveRun_SkipsItAndLogsTheReason()
    {
        await app.UploadAsync("acme");
        var active = await app.Get<IRebalanceRuns>().StartAsync("acme", new StartRunRequest(), CancellationToken.None);
        var trigger = NewInstance();
        await trigger.TickAsync(CancellationToken.None);

        app.Time.Advance(TimeSpan.FromHours(1));
        var occurrence = Assert.Single(await trigger.TickAsync(CancellationToken.None));

        Assert.Empty(occurrence.Started);
        var (org, reason) = Assert.Single(occurrence.Skipped);
        Assert.Equal("acme", org);
        Assert.Contains(active.RunId!, reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoInstances_OnTheSameStore_FireEachOccurrenceOnce()
    {
        await app.UploadAsync("acme");
        var first = NewInstance();
        var second = NewInstance();
        await first.TickAsync(CancellationToken.None);
        await second.TickAsync(CancellationToken.None);

        app.Time.Advance(TimeSpan.FromHours(1));
        var a = await first.TickAsync(CancellationToken.None);
        var b = await second.TickAsync(CancellationToken.None);

        var all = a.Concat(b).ToList();
        Assert.Equal(2, all.Count);
        Assert.Single(all, o => o.LeaseWon);
        Assert.Single(all.SelectMany(o => o.Started));
    }

    [Fact]
    public async Task ARestartAfterMissedOccurrences_RunsTheLatestOnceMarkedPastDue()
    {
        await app.UploadAsync("acme");
        var before = NewInstance();
        await before.TickAsync(CancellationToken.None);
        app.Time.Advance(TimeSpan.FromHours(1));
        Assert.Single(await before.TickAsync(CancellationToken.None));

        // Down for two days and three hours: the occurrences of 2 and 3 March were missed.
        app.Time.Advance(TimeSpan.FromHours(51));
        var restarted = NewInstance();
        var fired = await restarted.TickAsync(CancellationToken.None);
        var nextTick = await restarted.TickAsync(CancellationToken.None);

        var occurrence = Assert.Single(fired);
        Assert.True(occurrence.PastDue);
        Assert.Equal(new DateTimeOffset(2026, 3, 3, 2, 0, 0, TimeSpan.Zero), occurrence.Occurrence);
        Assert.True(occurrence.LeaseWon);
        Assert.Empty(nextTick);
    }

    [Fact]
    public async Task Tick_LongAfterAnOccurrence_MarksItPastDue()
    {
        await app.UploadAsync("acme");
        var trigger = NewInstance();
        await trigger.TickAsync(CancellationToken.None);

        app.Time.Advance(TimeSpan.FromHours(30));
        var occurrence = Assert.Single(await trigger.TickAsync(CancellationToken.None));

        Assert.True(occurrence.PastDue);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 2, 0, 0, TimeSpan.Zero), occurrence.Occurrence);
    }

    public void Dispose() => app.Dispose();

    private ScheduledRebalanceTrigger NewInstance(FunctionApp? on = null)
    {
        on ??= app;
        return new ScheduledRebalanceTrigger(
            on.Get<IOptions<RebalancingOptions>>(), on.Time, on.Get<IRunStore>(), on.Get<ISnapshotStore>(), on.Get<IRebalanceRuns>(), NullLogger<ScheduledRebalanceTrigger>.Instance);
    }
}
