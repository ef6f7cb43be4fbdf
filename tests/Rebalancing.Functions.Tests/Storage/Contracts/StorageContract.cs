using System.Text.Json;
using Rebalancing.Functions.Storage;
using Rebalancing.Functions.Tests.Harness;

namespace Rebalancing.Functions.Tests.Storage.Contracts;

/// <summary>What every contract suite needs from an adapter: its stores, a clock the test controls, and a way to let time pass.</summary>
public abstract class StorageContract
{
    private StorageServices? services;

    /// <summary>The clock the stores stamp with (stored-at, claimed-at, the embedded queue's visibility).</summary>
    protected ManualTimeProvider Time { get; } = new();

    internal StorageServices Services => services ??= CreateServices();

    internal abstract StorageServices CreateServices();

    /// <summary>Lets <paramref name="span"/> pass for the queue: the embedded adapter moves the clock, the emulator needs real time.</summary>
    protected abstract Task LetTimePassAsync(TimeSpan span);

    protected static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    protected static JsonElement Json(object value) => JsonSerializer.SerializeToElement(value);

    protected static CancellationToken Ct => TestContext.Current;

    /// <summary>Starts <paramref name="count"/> tasks at once (as far as a barrier can) and waits for all.</summary>
    protected static async Task<T[]> RaceAsync<T>(int count, Func<int, Task<T>> action)
    {
        using var gate = new Barrier(count);
        var tasks = Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            gate.SignalAndWait(TimeSpan.FromSeconds(30));
            return await action(i);
        }));
        return await Task.WhenAll(tasks);
    }
}

/// <summary>A cancellation token for tests (xunit v2 has no per-test token).</summary>
internal static class TestContext
{
    public static CancellationToken Current => CancellationToken.None;
}
