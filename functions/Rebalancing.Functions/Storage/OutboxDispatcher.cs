namespace Rebalancing.Functions.Storage;

/// <summary>
/// Publishes a run's outbox (the <see cref="RunDocument.PendingEvents"/> written in the same
/// conditional write as the state change that caused them) and then removes the published events
/// with a second conditional write. A crash between the two writes leaves the events in the
/// document, so the next dispatch of that run publishes them again: delivery is at least once and
/// consumers de-duplicate by event id.
/// </summary>
internal sealed class OutboxDispatcher(IRunStore runs, IEventSink sink)
{
    private const int MaxConflictRetries = 10;

    /// <summary>Publishes the run's pending events; returns how many were published by this call.</summary>
    public async Task<int> DispatchAsync(string runId, CancellationToken cancellationToken)
    {
        var current = await runs.GetAsync(runId, cancellationToken).ConfigureAwait(false);
        if (current is null || current.Value.PendingEvents.Count == 0)
        {
            return 0;
        }

        var published = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pending in current.Value.PendingEvents)
        {
            await sink.PublishAsync(runId, pending, cancellationToken).ConfigureAwait(false);
            published.Add(pending.EventId);
        }

        // Remove exactly what was published; events added by a concurrent state change stay for the next dispatch.
        for (var attempt = 0; attempt < MaxConflictRetries; attempt++)
        {
            var remaining = current.Value.PendingEvents.Where(e => !published.Contains(e.EventId)).ToList();
            if (remaining.Count == current.Value.PendingEvents.Count)
            {
                return published.Count;
            }

            try
            {
                await runs.ReplaceAsync(current.Value with { PendingEvents = remaining }, current.ETag, cancellationToken).ConfigureAwait(false);
                return published.Count;
            }
            catch (ConcurrencyConflictException)
            {
                current = await runs.GetAsync(runId, cancellationToken).ConfigureAwait(false);
                if (current is null)
                {
                    return published.Count;
                }
            }
        }

        throw new ConcurrencyConflictException($"Run '{runId}' kept changing while its outbox was cleared; its events stay pending and will be dispatched again.");
    }
}
