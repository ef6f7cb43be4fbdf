using Rebalancing.Functions.Storage;

namespace Rebalancing.Functions.Tests.Storage.Contracts;

public abstract class WorkQueueContract : StorageContract
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(5);

    /// <summary>A visibility timeout or delay short enough for the emulator and long enough to observe.</summary>
    private static readonly TimeSpan Brief = TimeSpan.FromSeconds(2);

    private IWorkQueue NewQueue() => Services.Queues.Get("q" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Receive_EmptyQueue_ReturnsNull()
    {
        Assert.Null(await NewQueue().ReceiveAsync(Long, Ct));
    }

    [Fact]
    public async Task Receive_AfterEnqueue_ReturnsTheTextWithDequeueCountOne()
    {
        var queue = NewQueue();
        var id = await queue.EnqueueAsync("""{"step":"pass1","runId":"r-1"}""", TimeSpan.Zero, Ct);

        var message = await queue.ReceiveAsync(Long, Ct);

        Assert.NotNull(message);
        Assert.Equal(id, message.MessageId);
        Assert.Equal("""{"step":"pass1","runId":"r-1"}""", message.Text);
        Assert.Equal(1, message.DequeueCount);
    }

    [Fact]
    public async Task Receive_WhileAMessageIsInvisible_ReturnsNothingThenRedeliversItWithAHigherDequeueCount()
    {
        var queue = NewQueue();
        await queue.EnqueueAsync("work", TimeSpan.Zero, Ct);
        var first = await queue.ReceiveAsync(Brief, Ct);

        Assert.Null(await queue.ReceiveAsync(Brief, Ct));
        await LetTimePassAsync(Brief + Brief);
        var second = await queue.ReceiveAsync(Long, Ct);

        Assert.NotNull(second);
        Assert.Equal(first!.MessageId, second.MessageId);
        Assert.Equal(2, second.DequeueCount);
        Assert.NotEqual(first.PopReceipt, second.PopReceipt);
    }

    [Fact]
    public async Task Delete_WithTheCurrentPopReceipt_RemovesTheMessageForGood()
    {
        var queue = NewQueue();
        await queue.EnqueueAsync("work", TimeSpan.Zero, Ct);
        var message = await queue.ReceiveAsync(Brief, Ct);

        Assert.True(await queue.DeleteAsync(message!.MessageId, message.PopReceipt, Ct));
        await LetTimePassAsync(Brief + Brief);

        Assert.Null(await queue.ReceiveAsync(Long, Ct));
    }

    [Fact]
    public async Task Delete_WithAStalePopReceipt_ReturnsFalseAndKeepsTheMessage()
    {
        var queue = NewQueue();
        await queue.EnqueueAsync("work", TimeSpan.Zero, Ct);
        var first = await queue.ReceiveAsync(TimeSpan.Zero, Ct);
        await LetTimePassAsync(Brief);
        var second = await queue.ReceiveAsync(Long, Ct);

        Assert.False(await queue.DeleteAsync(first!.MessageId, first.PopReceipt, Ct));
        Assert.True(await queue.DeleteAsync(second!.MessageId, second.PopReceipt, Ct));
    }

    [Fact]
    public async Task Enqueue_WithAnInitialDelay_StaysInvisibleUntilTheDelayHasPassed()
    {
        var queue = NewQueue();
        await queue.EnqueueAsync("timer", Brief, Ct);

        Assert.Null(await queue.ReceiveAsync(Long, Ct));
        await LetTimePassAsync(Brief + Brief);

        Assert.Equal("timer", (await queue.ReceiveAsync(Long, Ct))?.Text);
    }

    [Fact]
    public async Task Enqueue_DelayBeyondTheQueueMaximum_IsRefusedSoCallersChainTimers()
    {
        var queue = NewQueue();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => queue.EnqueueAsync("timer", WorkQueueLimits.MaxVisibilityDelay + TimeSpan.FromSeconds(1), Ct));
        Assert.Equal(TimeSpan.FromDays(7), WorkQueueLimits.MaxVisibilityDelay);
    }

    [Fact]
    public async Task UpdateVisibility_ToZero_GivesTheMessageBackAtOnceAndInvalidatesTheOldReceipt()
    {
        var queue = NewQueue();
        await queue.EnqueueAsync("work", TimeSpan.Zero, Ct);
        var message = await queue.ReceiveAsync(Long, Ct);

        var receipt = await queue.UpdateVisibilityAsync(message!.MessageId, message.PopReceipt, TimeSpan.Zero, Ct);
        var again = await queue.ReceiveAsync(Long, Ct);

        Assert.NotNull(receipt);
        Assert.Equal(message.MessageId, again?.MessageId);
        Assert.Null(await queue.UpdateVisibilityAsync(message.MessageId, message.PopReceipt, TimeSpan.Zero, Ct));
    }

    [Fact]
    public async Task Receive_TheSixthDelivery_MovesTheMessageToThePoisonQueueInsteadOfHandingItOut()
    {
        var queue = NewQueue();
        await queue.EnqueueAsync("always-fails", TimeSpan.Zero, Ct);

        for (var delivery = 1; delivery <= WorkQueueLimits.MaxDequeueCount; delivery++)
        {
            var message = await queue.ReceiveAsync(Long, Ct);
            Assert.NotNull(message);
            Assert.Equal(delivery, message.DequeueCount);

            // The handler failed: give the message back (what the Functions host does on failure).
            await queue.UpdateVisibilityAsync(message.MessageId, message.PopReceipt, TimeSpan.Zero, Ct);
        }

        Assert.Null(await queue.ReceiveAsync(Long, Ct));
        var poison = Services.Queues.Get(WorkQueueLimits.PoisonQueueName(queue.Name));
        var parked = await poison.ReceiveAsync(Long, Ct);
        Assert.Equal("always-fails", parked?.Text);
        Assert.Equal(1, parked!.DequeueCount);
    }

    [Fact]
    public async Task Receive_SeveralWorkersAtOnce_HandOutEachMessageOnce()
    {
        var queue = NewQueue();
        for (var i = 0; i < 8; i++)
        {
            await queue.EnqueueAsync($"item-{i}", TimeSpan.Zero, Ct);
        }

        var received = await RaceAsync(4, async _ =>
        {
            var mine = new List<string>();
            while (await queue.ReceiveAsync(Long, Ct) is { } message)
            {
                mine.Add(message.Text);
                await queue.DeleteAsync(message.MessageId, message.PopReceipt, Ct);
            }

            return mine;
        });

        var all = received.SelectMany(r => r).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(Enumerable.Range(0, 8).Select(i => $"item-{i}").Order(StringComparer.Ordinal), all);
    }
}
