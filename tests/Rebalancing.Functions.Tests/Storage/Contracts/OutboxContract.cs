using System.Collections.Concurrent;
using Rebalancing.Functions.Storage;

namespace Rebalancing.Functions.Tests.Storage.Contracts;

public abstract class OutboxContract : StorageContract
{
    private IRunStore Store => Services.Runs;

    private async Task<Versioned<RunDocument>> CreateRunWithPendingEventsAsync(params string[] eventIds)
    {
        var created = await Store.CreateAsync(
            new RunDocument(NewId("run"), NewId("org"), "Pending", Time.GetUtcNow(), Time.GetUtcNow(), Json(new { }), []), Ct);
        var events = eventIds.Select(id => new OutboxEvent(id, "plan.proposed", Time.GetUtcNow(), Json(new { id }))).ToList();

        // The state change and its events: one conditional write.
        return await Store.ReplaceAsync(created.Stored.Value with { Status = "AwaitingApproval", PendingEvents = events }, created.Stored.ETag, Ct);
    }

    [Fact]
    public async Task Dispatch_AfterACrashBetweenTheWriteAndTheDispatch_PublishesThePendingEvents()
    {
        var run = await CreateRunWithPendingEventsAsync("evt-1", "evt-2");
        // ...the writer crashes here, before dispatching. A new worker picks the run up:
        var sink = new RecordingSink();

        var published = await new OutboxDispatcher(Store, sink).DispatchAsync(run.Value.RunId, Ct);

        Assert.Equal(2, published);
        Assert.Equal(["evt-1", "evt-2"], sink.EventIds);
        var stored = await Store.GetAsync(run.Value.RunId, Ct);
        Assert.Empty(stored!.Value.PendingEvents);
        Assert.Equal("AwaitingApproval", stored.Value.Status);
        Assert.Equal(0, await new OutboxDispatcher(Store, sink).DispatchAsync(run.Value.RunId, Ct));
        Assert.Equal(2, sink.EventIds.Count);
    }

    [Fact]
    public async Task Dispatch_CrashAfterPublishingBeforeClearing_RepublishesTheSameEventIds()
    {
        var run = await CreateRunWithPendingEventsAsync("evt-1");
        var sink = new RecordingSink();
        var crashingStore = new CrashOnReplaceRunStore(Store);

        await Assert.ThrowsAsync<IOException>(() => new OutboxDispatcher(crashingStore, sink).DispatchAsync(run.Value.RunId, Ct));
        await new OutboxDispatcher(Store, sink).DispatchAsync(run.Value.RunId, Ct);

        // At least once: the same event twice, with the same id for consumers to de-duplicate.
        Assert.Equal(["evt-1", "evt-1"], sink.EventIds);
        Assert.Empty((await Store.GetAsync(run.Value.RunId, Ct))!.Value.PendingEvents);
    }

    [Fact]
    public async Task Dispatch_WhileAnotherStateChangeAddsEvents_KeepsTheNewEventsPending()
    {
        var run = await CreateRunWithPendingEventsAsync("evt-1");
        var sink = new RecordingSink
        {
            OnPublish = async () =>
            {
                // A concurrent state change lands between our read and our clearing write.
                var current = (await Store.GetAsync(run.Value.RunId, Ct))!;
                var more = current.Value.PendingEvents.Append(new OutboxEvent("evt-2", "decision.recorded", Time.GetUtcNow(), Json(new { }))).ToList();
                await Store.ReplaceAsync(current.Value with { Status = "Applying", PendingEvents = more }, current.ETag, Ct);
            },
        };

        await new OutboxDispatcher(Store, sink).DispatchAsync(run.Value.RunId, Ct);

        var stored = (await Store.GetAsync(run.Value.RunId, Ct))!.Value;
        Assert.Equal("Applying", stored.Status);
        Assert.Equal("evt-2", Assert.Single(stored.PendingEvents).EventId);
    }

    [Fact]
    public async Task QueueEventSink_PublishesEachEventAsAJsonMessageWithItsId()
    {
        var run = await CreateRunWithPendingEventsAsync("evt-q");
        var queue = Services.Queues.Get("q" + Guid.NewGuid().ToString("N"));

        await new OutboxDispatcher(Store, new QueueEventSink(queue)).DispatchAsync(run.Value.RunId, Ct);

        var message = await queue.ReceiveAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.NotNull(message);
        using var json = System.Text.Json.JsonDocument.Parse(message.Text);
        Assert.Equal("evt-q", json.RootElement.GetProperty("id").GetString());
        Assert.Equal(run.Value.RunId, json.RootElement.GetProperty("runId").GetString());
        Assert.Equal("plan.proposed", json.RootElement.GetProperty("type").GetString());
    }

    private sealed class RecordingSink : IEventSink
    {
        private readonly ConcurrentQueue<string> ids = new();

        public Func<Task>? OnPublish { get; set; }

        public List<string> EventIds => [.. ids];

        public async Task PublishAsync(string runId, OutboxEvent outboxEvent, CancellationToken cancellationToken)
        {
            ids.Enqueue(outboxEvent.EventId);
            if (OnPublish is { } hook)
            {
                OnPublish = null;
                await hook();
            }
        }
    }

    /// <summary>A store whose conditional writes "crash" (the process dies before the write reaches the database).</summary>
    private sealed class CrashOnReplaceRunStore(IRunStore inner) : IRunStore
    {
        public Task<Versioned<RunDocument>> ReplaceAsync(RunDocument run, string etag, CancellationToken cancellationToken) =>
            throw new IOException("simulated crash before the clearing write");

        public Task<CreateResult<RunDocument>> CreateAsync(RunDocument run, CancellationToken cancellationToken) => inner.CreateAsync(run, cancellationToken);

        public Task<Versioned<RunDocument>?> GetAsync(string runId, CancellationToken cancellationToken) => inner.GetAsync(runId, cancellationToken);

        public Task<ActiveRunClaim> ClaimActiveRunAsync(string orgId, string runId, CancellationToken cancellationToken) => inner.ClaimActiveRunAsync(orgId, runId, cancellationToken);

        public Task<string?> GetActiveRunAsync(string orgId, CancellationToken cancellationToken) => inner.GetActiveRunAsync(orgId, cancellationToken);

        public Task<bool> ReleaseActiveRunAsync(string orgId, string runId, CancellationToken cancellationToken) => inner.ReleaseActiveRunAsync(orgId, runId, cancellationToken);

        public Task<CreateResult<WorkResult>> AddWorkResultAsync(WorkResult result, CancellationToken cancellationToken) => inner.AddWorkResultAsync(result, cancellationToken);

        public Task<IReadOnlyList<WorkResult>> ListWorkResultsAsync(string runId, CancellationToken cancellationToken) => inner.ListWorkResultsAsync(runId, cancellationToken);

        public Task<bool> AddInboxEventAsync(InboxEvent inboxEvent, CancellationToken cancellationToken) => inner.AddInboxEventAsync(inboxEvent, cancellationToken);

        public Task<IReadOnlyList<InboxEvent>> ListUnconsumedInboxAsync(string runId, CancellationToken cancellationToken) => inner.ListUnconsumedInboxAsync(runId, cancellationToken);

        public Task<bool> MarkInboxConsumedAsync(string runId, string eventId, CancellationToken cancellationToken) => inner.MarkInboxConsumedAsync(runId, eventId, cancellationToken);

        public Task CheckHealthAsync(CancellationToken cancellationToken) => inner.CheckHealthAsync(cancellationToken);
    }
}
