using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Rebalancing.Functions.Storage;
using Xunit.Abstractions;

namespace Rebalancing.Functions.Tests.Storage.Contracts;

/// <summary>
/// Several workers in one process sharing the stores: each message handled once, and a run counter
/// updated by read-modify-write under ETags loses no increment. Prints how long it took (no speed assertion).
/// </summary>
public abstract class WorkersContract(ITestOutputHelper output) : StorageContract
{
    protected abstract int Messages { get; }

    [Fact]
    public async Task Workers_DrainingOneQueueAndUpdatingOneRun_HandleEachMessageOnceAndLoseNoUpdate()
    {
        const int Workers = 4;
        var queue = Services.Queues.Get("q" + Guid.NewGuid().ToString("N"));
        var run = (await Services.Runs.CreateAsync(
            new RunDocument(NewId("run"), NewId("org"), "Pass2", Time.GetUtcNow(), Time.GetUtcNow(), Json(new { done = 0 })), Ct)).Stored.Value;
        for (var i = 0; i < Messages; i++)
        {
            await queue.EnqueueAsync(i.ToString(CultureInfo.InvariantCulture), TimeSpan.Zero, Ct);
        }

        var handled = new ConcurrentBag<string>();
        var conflicts = 0;
        var clock = Stopwatch.StartNew();
        await RaceAsync(Workers, async _ =>
        {
            while (await queue.ReceiveAsync(TimeSpan.FromMinutes(5), Ct) is { } message)
            {
                while (true)
                {
                    var current = (await Services.Runs.GetAsync(run.RunId, Ct))!;
                    var done = current.Value.Body.GetProperty("done").GetInt32();
                    try
                    {
                        await Services.Runs.ReplaceAsync(current.Value with { Body = Json(new { done = done + 1 }) }, current.ETag, Ct);
                        break;
                    }
                    catch (ConcurrencyConflictException)
                    {
                        Interlocked.Increment(ref conflicts);
                    }
                }

                handled.Add(message.Text);
                Assert.True(await queue.DeleteAsync(message.MessageId, message.PopReceipt, Ct));
            }

            return true;
        });
        clock.Stop();

        Assert.Equal(Messages, handled.Count);
        Assert.Equal(Messages, handled.Distinct().Count());
        Assert.Equal(Messages, (await Services.Runs.GetAsync(run.RunId, Ct))!.Value.Body.GetProperty("done").GetInt32());
        output.WriteLine(
            $"{GetType().Name}: {Messages} messages, {Workers} workers, {clock.Elapsed.TotalMilliseconds:0} ms " +
            $"({Messages / clock.Elapsed.TotalSeconds:0} messages/s, each = receive + read + conditional replace + delete), {conflicts} ETag conflicts retried");
    }
}
