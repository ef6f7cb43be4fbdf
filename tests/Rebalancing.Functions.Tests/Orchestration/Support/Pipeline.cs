using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Rebalancing.Engine.Input;
using Rebalancing.Engine.Model;
using Rebalancing.Engine.Synthetic;
using Rebalancing.Functions.Activities;
using Rebalancing.Functions.Orchestration;
using Rebalancing.Functions.Storage;
using Rebalancing.Functions.Tests.Harness;

namespace Rebalancing.Functions.Tests.Orchestration.Support;

/// <summary>
/// The orchestration wired on one set of stores: the service, workers on a queue of the test's own, an event sink
/// that keeps what it is sent, and a clock the test moves.
/// </summary>
internal sealed class Pipeline
{
    public static readonly TimeSpan Visibility = TimeSpan.FromMinutes(5);

    private readonly Func<TimeSpan, Task> letTimePass;

    /// <param name="visibility">The workers' visibility timeout (how long a dead worker's message stays hidden).</param>
    /// <param name="letTimePass">How time passes for the queue: the manual clock (embedded), or real waiting (emulators).</param>
    public Pipeline(StorageServices stores, ManualTimeProvider time, IWorkQueueFactory? queues = null, TimeSpan? visibility = null, Func<TimeSpan, Task>? letTimePass = null)
    {
        Time = time;
        VisibilityTimeout = visibility ?? Visibility;
        this.letTimePass = letTimePass ?? (span =>
        {
            time.Advance(span);
            return Task.CompletedTask;
        });
        Stores = queues is null ? stores : stores with { Queues = queues };
        QueueName = "work-" + Guid.NewGuid().ToString("N")[..20];
        Activities = new RebalanceActivities(Stores, new PlanningInputs(Stores.Snapshots));
        Service = new RebalanceService(Stores, Activities, time, QueueName);
    }

    public ManualTimeProvider Time { get; }

    public TimeSpan VisibilityTimeout { get; }

    public StorageServices Stores { get; }

    public string QueueName { get; }

    public RebalanceActivities Activities { get; }

    public RebalanceService Service { get; }

    public RecordingSink Events { get; } = new();

    public IWorkQueue Queue => Stores.Queues.Get(QueueName);

    public RunWorker Worker(IWorkerFaults? faults = null, IRebalanceActivities? activities = null) =>
        new(Stores, activities ?? Activities, Events, Time, new RunWorkerOptions { QueueName = QueueName, VisibilityTimeout = VisibilityTimeout }, faults);

    /// <summary>Stores a generated network's snapshot for <paramref name="orgId"/>; returns its id.</summary>
    public async Task<string> PutSnapshotAsync(string orgId, int seed = 1)
    {
        var bundle = Networks.Bundle(seed);
        var put = await Stores.Snapshots.PutAsync(new SnapshotPut(orgId, new Dictionary<string, long> { ["inventory.csv"] = 1 }, Networks.AsOf), bundle, CancellationToken.None);
        return put.Metadata.SnapshotId;
    }

    public async Task<string> StartAsync(string orgId, StartRunRequest? request = null)
    {
        var started = await Service.StartRunAsync(orgId, request ?? new StartRunRequest(Approvers: [new Approver("boss", "boss@example.com", Elevated: true)]), CancellationToken.None);
        Assert.Equal(StartRunOutcome.Created, started.Outcome);
        return started.RunId!;
    }

    public async Task<RunState> RunAsync(string runId) => (await Service.GetRunAsync(runId, CancellationToken.None))!;

    /// <summary>Handles messages with one worker until none is visible (a crash restarts the worker after the visibility timeout).</summary>
    public async Task DrainAsync(IWorkerFaults? faults = null, IRebalanceActivities? activities = null, int maxMessages = 5000)
    {
        var worker = Worker(faults, activities);
        for (var handled = 0; handled < maxMessages; handled++)
        {
            try
            {
                if (!await worker.RunOnceAsync(CancellationToken.None))
                {
                    return;
                }
            }
            catch (WorkerCrashed)
            {
                // The process died: its message comes back after the visibility timeout, to a new worker.
                await letTimePass(VisibilityTimeout + TimeSpan.FromSeconds(1));
                worker = Worker(faults, activities);
            }
        }

        throw new InvalidOperationException($"the queue did not drain within {maxMessages} messages");
    }

    /// <summary>Handles messages one at a time until the run reaches <paramref name="status"/>.</summary>
    public async Task StepUntilAsync(string runId, Func<RunState, bool> until)
    {
        var worker = Worker();
        for (var i = 0; i < 1000; i++)
        {
            if (until(await RunAsync(runId)))
            {
                return;
            }

            Assert.True(await worker.RunOnceAsync(CancellationToken.None), "the queue ran dry before the run got there");
        }
    }

    /// <summary>Several workers in parallel until every run is finished or waits for approval.</summary>
    public async Task DrainInParallelAsync(int workers, IReadOnlyList<string> runIds, Func<RunState, bool> until)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        async Task<bool> AllThere()
        {
            foreach (var id in runIds)
            {
                if (!until(await RunAsync(id)))
                {
                    return false;
                }
            }

            return true;
        }

        var tasks = Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            var worker = Worker();
            while (!await AllThere())
            {
                timeout.Token.ThrowIfCancellationRequested();
                if (!await worker.RunOnceAsync(CancellationToken.None))
                {
                    await Task.Delay(10);
                }
            }
        }));
        await Task.WhenAll(tasks);
        await DrainAsync(); // the stragglers (duplicates, re-sent follow-ups)
    }

    public Task<RaiseEventResult> ApproveAsync(string runId, string eventId, string approver = "boss", bool? elevated = null, ApprovalScope? scope = null, string decision = "approve") =>
        Service.RaiseEventAsync(runId, InboxEvents.Approval, JsonSerializer.SerializeToElement(new { approverId = approver, decision, scope, eventId, elevated }), CancellationToken.None);

    /// <summary>What a run amounts to, free of ids and times: for comparing runs.</summary>
    public async Task<string> OutcomeAsync(string runId)
    {
        var run = await RunAsync(runId);
        var orders = await Stores.Ledger.ListByRunAsync(run.OrgId, runId, CancellationToken.None);
        var totals = await Stores.Ledger.GetTotalsAsync(run.OrgId, runId, CancellationToken.None);
        var text = new StringBuilder();
        text.AppendLine($"{run.Status} {run.DeterminismHash} {run.Summary}");
        foreach (var move in run.Moves)
        {
            text.AppendLine($"{move.MoveId} {move.Status}");
        }

        foreach (var order in orders)
        {
            text.AppendLine($"{order.MoveId} {order.Sku} {order.FromLocation}->{order.ToLocation} {order.Units} {order.Status}");
        }

        text.AppendLine($"totals {totals?.Moves} {totals?.Units} {totals?.Cost}");
        return text.ToString();
    }
}

/// <summary>Generated networks, zipped in memory.</summary>
internal static class Networks
{
    public static readonly DateTimeOffset AsOf = new(2026, 2, 28, 0, 0, 0, TimeSpan.Zero);
    private static readonly ConcurrentDictionary<int, byte[]> Bundles = new();

    public static NetworkGeneratorOptions Options(int seed) => new() { Stores = 12, Skus = 120, Clusters = 3, Seed = seed, AsOf = AsOf };

    public static byte[] Bundle(int seed) => Bundles.GetOrAdd(seed, s =>
    {
        var files = new SortedDictionary<string, StringWriter>(StringComparer.Ordinal);
        NetworkGenerator.Generate(Options(s), name => files[name] = new StringWriter());
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, writer) in files)
            {
                using var stream = zip.CreateEntry(name).Open();
                stream.Write(Encoding.UTF8.GetBytes(writer.ToString()));
            }
        }

        return output.ToArray();
    });

    public static Snapshot Snapshot(int seed)
    {
        using var source = new ZipSnapshotSource(new MemoryStream(Bundle(seed)));
        return SnapshotLoader.Load(source).Snapshot ?? throw new InvalidOperationException("the generated snapshot does not load");
    }
}

/// <summary>An event sink that keeps what it is sent.</summary>
internal sealed class RecordingSink : IEventSink
{
    private readonly ConcurrentQueue<(string RunId, OutboxEvent Event)> events = new();

    public Task PublishAsync(string runId, OutboxEvent outboxEvent, CancellationToken cancellationToken)
    {
        events.Enqueue((runId, outboxEvent));
        return Task.CompletedTask;
    }

    /// <summary>The distinct events of a run (delivery is at least once; consumers de-duplicate by id).</summary>
    public IReadOnlyList<OutboxEvent> Of(string runId) =>
        [.. events.Where(e => e.RunId == runId).Select(e => e.Event).DistinctBy(e => e.EventId)];
}

/// <summary>A simulated process death.</summary>
internal sealed class WorkerCrashed : Exception
{
    public WorkerCrashed()
        : base("the worker died")
    {
    }

    public WorkerCrashed(string message)
        : base(message)
    {
    }

    public WorkerCrashed(string message, Exception inner)
        : base(message, inner)
    {
    }
}
