using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using NCrontab;
using Rebalancing.Functions.Application;
using Rebalancing.Functions.Orchestration;
using Rebalancing.Functions.Storage;

namespace Rebalancing.Functions.Triggers;

/// <summary>What one occurrence of the schedule did.</summary>
internal sealed record ScheduledOccurrence(
    DateTimeOffset Occurrence, bool PastDue, bool LeaseWon, IReadOnlyList<(string OrgId, string RunId)> Started, IReadOnlyList<(string OrgId, string Reason)> Skipped);

/// <summary>
/// <c>[TimerTrigger("%Rebalancing:Schedule%")]</c>: scheduled rebalances of every org with a snapshot. One instance
/// fires per occurrence: the first to create the lease document <c>occurrence:{instant}</c> (create-if-absent in the
/// schedule's partition) runs it, the others skip it. A restart finds the last leased occurrence, and if occurrences
/// were missed since, runs the latest of them once, marked past due. Nothing runs at start-up unless
/// <c>Rebalancing:RunOnStartup</c>. <see cref="TickAsync"/> does one step on the injected clock (tests drive it).
/// </summary>
internal sealed partial class ScheduledRebalanceTrigger(
    IOptions<RebalancingOptions> options, TimeProvider time, IRunStore leases, ISnapshotStore snapshots, IRebalanceRuns runs, ILogger<ScheduledRebalanceTrigger> logger)
    : IScheduledTrigger
{
    bool IScheduledTrigger.IsEnabled(RebalancingOptions settings) => settings.Triggers && settings.ScheduleEnabled;

    Task IScheduledTrigger.RunDueAsync(CancellationToken cancellationToken) => TickAsync(cancellationToken);

    private static readonly TimeSpan PastDueTolerance = TimeSpan.FromMinutes(1);
    private readonly string instanceId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
    private readonly CrontabSchedule schedule = CrontabSchedule.Parse(options.Value.Schedule, new CrontabSchedule.ParseOptions { IncludingSeconds = true });
    private DateTimeOffset? cursor;

    /// <summary>The lease partition of this schedule (one per expression).</summary>
    public string LeasePartition => "schedule-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.Schedule)))[..16];

    public DateTimeOffset NextOccurrence(DateTimeOffset after) => new(schedule.GetNextOccurrence(after.UtcDateTime), TimeSpan.Zero);

    /// <summary>Runs what is due at the clock's now: on the first call, the start-up rules; then the occurrences since the last call (the latest once).</summary>
    public async Task<IReadOnlyList<ScheduledOccurrence>> TickAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var fired = new List<ScheduledOccurrence>();
        if (cursor is null)
        {
            cursor = now;
            if (options.Value.RunOnStartup)
            {
                fired.Add(await FireAsync(now, pastDue: false, cancellationToken).ConfigureAwait(false));
            }

            var last = await LastLeasedAsync(cancellationToken).ConfigureAwait(false);
            if (last is not null && Latest(last.Value, now) is { } missed)
            {
                fired.Add(await FireAsync(missed, pastDue: true, cancellationToken).ConfigureAwait(false));
            }

            return fired;
        }

        if (Latest(cursor.Value, now) is { } due)
        {
            fired.Add(await FireAsync(due, pastDue: now - due > PastDueTolerance, cancellationToken).ConfigureAwait(false));
        }

        cursor = now;
        return fired;
    }

    /// <summary>The latest occurrence in (after, until], if any.</summary>
    private DateTimeOffset? Latest(DateTimeOffset after, DateTimeOffset until)
    {
        DateTime? latest = null;
        foreach (var occurrence in schedule.GetNextOccurrences(after.UtcDateTime, until.UtcDateTime.AddTicks(1)))
        {
            latest = occurrence;
        }

        return latest is null ? null : new DateTimeOffset(DateTime.SpecifyKind(latest.Value, DateTimeKind.Utc));
    }

    private async Task<DateTimeOffset?> LastLeasedAsync(CancellationToken cancellationToken)
    {
        var all = await leases.ListWorkResultsAsync(LeasePartition, cancellationToken).ConfigureAwait(false);
        var last = all.Select(r => r.Body.Deserialize<Lease>(StorageJson.Options)).Where(l => l is not null).Select(l => (DateTimeOffset?)l!.Occurrence).Max();
        return last;
    }

    private async Task<ScheduledOccurrence> FireAsync(DateTimeOffset occurrence, bool pastDue, CancellationToken cancellationToken)
    {
        var key = "occurrence:" + occurrence.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var lease = new Lease(occurrence, instanceId, time.GetUtcNow(), pastDue);
        var claim = await leases.AddWorkResultAsync(new WorkResult(LeasePartition, key, JsonSerializer.SerializeToElement(lease, StorageJson.Options), lease.FiredAt), cancellationToken).ConfigureAwait(false);
        if (!claim.Created)
        {
            LogLeaseLost(logger, occurrence);
            return new(occurrence, pastDue, false, [], []);
        }

        LogFiring(logger, occurrence, pastDue);
        var started = new List<(string, string)>();
        var skipped = new List<(string, string)>();
        var approvers = options.Value.Approvers.Select(a => new Approver(a.Id, a.Email, a.Elevated)).ToList();
        foreach (var org in await snapshots.ListOrgsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await runs.GetActiveRunIdAsync(org, cancellationToken).ConfigureAwait(false) is { } active)
            {
                var reason = $"org has an active run ({active})";
                LogSkipped(logger, org, reason);
                skipped.Add((org, reason));
                continue;
            }

            var result = await runs.StartAsync(org, new StartRunRequest(Approvers: approvers), cancellationToken).ConfigureAwait(false);
            if (result.Outcome == StartRunOutcome.Created)
            {
                started.Add((org, result.RunId!));
            }
            else
            {
                var reason = result.Outcome == StartRunOutcome.Existing ? $"org has an active run ({result.RunId})" : string.Join("; ", result.Problems);
                LogSkipped(logger, org, reason);
                skipped.Add((org, reason));
            }
        }

        return new(occurrence, pastDue, true, started, skipped);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled rebalance for {Occurrence:u} (past due: {PastDue})")]
    private static partial void LogFiring(ILogger logger, DateTimeOffset occurrence, bool pastDue);

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled rebalance for {Occurrence:u} runs on another instance (its lease is taken)")]
    private static partial void LogLeaseLost(ILogger logger, DateTimeOffset occurrence);

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled rebalance skipped org {OrgId}: {Reason}")]
    private static partial void LogSkipped(ILogger logger, string orgId, string reason);

    private sealed record Lease(DateTimeOffset Occurrence, string Instance, DateTimeOffset FiredAt, bool PastDue);
}
