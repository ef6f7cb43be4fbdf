using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using NCrontab;
using Rebalancing.Functions.Application;
using Rebalancing.Functions.Storage;

namespace Rebalancing.Functions.Triggers;

/// <summary>
/// <c>[TimerTrigger("%Rebalancing:PickupSchedule%")]</c>: sweeps <c>incoming/{orgId}/…​.zip</c> and sends each new bundle
/// to the ingestion queue once (a create-if-absent <c>picked:{hash of the path}</c> document makes the sweep safe to
/// run on several instances and after a crash). Bundles are immutable: a new snapshot is a new file name.
/// </summary>
internal sealed partial class SnapshotPickupTrigger(
    IOptions<RebalancingOptions> options, TimeProvider time, StorageServices stores, SnapshotIngestion ingestion, ILogger<SnapshotPickupTrigger> logger)
    : IScheduledTrigger
{
    bool IScheduledTrigger.IsEnabled(RebalancingOptions settings) => settings.Triggers && settings.Ingestion.Enabled;

    Task IScheduledTrigger.RunDueAsync(CancellationToken cancellationToken) => TickAsync(cancellationToken);

    public const string Partition = "pickup-incoming";
    private readonly CrontabSchedule schedule = CrontabSchedule.Parse(options.Value.PickupSchedule, new CrontabSchedule.ParseOptions { IncludingSeconds = true });
    private DateTimeOffset? cursor;

    public DateTimeOffset NextOccurrence(DateTimeOffset after) => new(schedule.GetNextOccurrence(after.UtcDateTime), TimeSpan.Zero);

    /// <summary>Sweeps when an occurrence came due since the last tick (the first tick only starts the clock); returns the paths sent.</summary>
    public async Task<IReadOnlyList<string>> TickAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var due = cursor is { } last && schedule.GetNextOccurrences(last.UtcDateTime, now.UtcDateTime.AddTicks(1)).Any();
        cursor = now;
        return due ? await SweepAsync(cancellationToken).ConfigureAwait(false) : [];
    }

    /// <summary>Sends every not yet picked-up bundle under <c>incoming/</c> to the ingestion queue.</summary>
    public async Task<IReadOnlyList<string>> SweepAsync(CancellationToken cancellationToken)
    {
        var sent = new List<string>();
        foreach (var path in await ingestion.ListIncomingAsync(cancellationToken).ConfigureAwait(false))
        {
            var parts = path.Split('/');
            if (parts.Length < 2 || !Ids.IsValid(parts[0]) || !path.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var key = "picked:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(path)))[..32];
            var picked = await stores.Runs.AddWorkResultAsync(
                new WorkResult(Partition, key, JsonSerializer.SerializeToElement(new { path }, StorageJson.Options), time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
            if (!picked.Created)
            {
                continue;
            }

            var blobPath = StorageServices.IncomingContainer + "/" + path;
            await stores.Queues.Get(QueueNames.Ingest).EnqueueAsync(
                JsonSerializer.Serialize(new IngestMessage(parts[0], blobPath, null), StorageJson.Options), TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            LogPicked(logger, blobPath);
            sent.Add(blobPath);
        }

        return sent;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Picked up {BlobPath} for ingestion")]
    private static partial void LogPicked(ILogger logger, string blobPath);
}
