using Rebalancing.Functions.Activities;
using Rebalancing.Functions.Orchestration;
using Rebalancing.Functions.Storage;

namespace Rebalancing.Functions.Tests.Orchestration.Support;

/// <summary>Kills the worker the first time it reaches <paramref name="point"/> while handling <paramref name="kind"/> (and step).</summary>
internal sealed class CrashOnce(WorkerFaultPoint point, WorkKind kind, RunStep? step = null) : IWorkerFaults
{
    private int crashed;

    public bool Crashed => crashed > 0;

    public void At(WorkerFaultPoint reached, WorkItem item, QueueMessage message)
    {
        if (reached == point && item.Kind == kind && item.Step == step && Interlocked.Exchange(ref crashed, 1) == 0)
        {
            throw new WorkerCrashed($"killed at {point} of {kind} {step}");
        }
    }
}

/// <summary>Kills the worker every time it reaches <paramref name="point"/> of an activity of <paramref name="step"/>.</summary>
internal sealed class DiesAt(WorkerFaultPoint point, RunStep step) : IWorkerFaults
{
    public int Deaths;

    public void At(WorkerFaultPoint reached, WorkItem item, QueueMessage message)
    {
        if (reached == point && item.Kind == WorkKind.Activity && item.Step == step)
        {
            Interlocked.Increment(ref Deaths);
            throw new WorkerCrashed($"killed at {point} of {step}, delivery {message.DequeueCount}");
        }
    }
}

/// <summary>Activities where one step always throws, for one org's runs.</summary>
internal sealed class ThrowingStep(IRebalanceActivities inner, RunStep step, string orgId) : IRebalanceActivities
{
    public int Attempts;

    public Task<RunEvent> RunAsync(RunState run, RunStep s, string? cluster, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (s == step && run.OrgId == orgId)
        {
            Interlocked.Increment(ref Attempts);
            throw new InvalidOperationException($"{step} is broken");
        }

        return inner.RunAsync(run, s, cluster, now, cancellationToken);
    }
}

/// <summary>Queues that enqueue every message two or three times (a seeded choice).</summary>
internal sealed class DuplicatingQueues(IWorkQueueFactory inner, int seed) : IWorkQueueFactory
{
    private readonly Random random = new(seed);

    public IWorkQueue Get(string name) => new Duplicating(inner.Get(name), this);

    private int Copies()
    {
        lock (random)
        {
            return random.Next(2, 4);
        }
    }

    private sealed class Duplicating(IWorkQueue queue, DuplicatingQueues owner) : IWorkQueue
    {
        public string Name => queue.Name;

        public async Task<string> EnqueueAsync(string text, TimeSpan initialVisibilityDelay, CancellationToken cancellationToken)
        {
            var id = "";
            for (var i = owner.Copies(); i > 0; i--)
            {
                id = await queue.EnqueueAsync(text, initialVisibilityDelay, cancellationToken);
            }

            return id;
        }

        public Task<QueueMessage?> ReceiveAsync(TimeSpan visibilityTimeout, CancellationToken cancellationToken) => queue.ReceiveAsync(visibilityTimeout, cancellationToken);

        public Task<bool> DeleteAsync(string messageId, string popReceipt, CancellationToken cancellationToken) => queue.DeleteAsync(messageId, popReceipt, cancellationToken);

        public Task<string?> UpdateVisibilityAsync(string messageId, string popReceipt, TimeSpan visibilityTimeout, CancellationToken cancellationToken) =>
            queue.UpdateVisibilityAsync(messageId, popReceipt, visibilityTimeout, cancellationToken);

        public Task CheckHealthAsync(CancellationToken cancellationToken) => queue.CheckHealthAsync(cancellationToken);
    }
}

internal static class ShuffledDelivery
{
    /// <summary>
    /// Receives every visible message, handles them in a shuffled order, and repeats until none is visible: with
    /// <see cref="DuplicatingQueues"/>, every message arrives two or three times, in any order.
    /// </summary>
    public static async Task DrainShuffledAsync(this Pipeline pipeline, int seed)
    {
        var random = new Random(seed);
        var worker = pipeline.Worker();
        for (var round = 0; round < 500; round++)
        {
            var batch = new List<QueueMessage>();
            while (await pipeline.Queue.ReceiveAsync(Pipeline.Visibility, CancellationToken.None) is { } message)
            {
                batch.Add(message);
            }

            if (batch.Count == 0)
            {
                return;
            }

            foreach (var message in batch.OrderBy(_ => random.Next()))
            {
                await worker.HandleAsync(message, CancellationToken.None);
            }
        }

        throw new InvalidOperationException("the queue did not drain");
    }
}
