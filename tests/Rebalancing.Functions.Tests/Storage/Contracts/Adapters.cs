using Rebalancing.Functions.Storage;
using Rebalancing.Functions.Tests.Harness;

namespace Rebalancing.Functions.Tests.Storage.Contracts;

// One derived class per adapter and port: the same contract runs against the embedded default
// (files + SQLite, with a manual clock) and the azure adapters against the real emulators.

public sealed class EmbeddedSnapshotStoreTests : SnapshotStoreContract, IDisposable
{
    private readonly EmbeddedDataDir dir = new();

    internal override StorageServices CreateServices() => dir.Create(Time);

    protected override Task LetTimePassAsync(TimeSpan span) => EmbeddedDataDir.LetTimePass(Time, span);

    public void Dispose() => dir.Dispose();
}

public sealed class EmbeddedRunStoreTests : RunStoreContract, IDisposable
{
    private readonly EmbeddedDataDir dir = new();

    internal override StorageServices CreateServices() => dir.Create(Time);

    protected override Task LetTimePassAsync(TimeSpan span) => EmbeddedDataDir.LetTimePass(Time, span);

    public void Dispose() => dir.Dispose();
}

public sealed class EmbeddedTransferLedgerTests : TransferLedgerContract, IDisposable
{
    private readonly EmbeddedDataDir dir = new();

    internal override StorageServices CreateServices() => dir.Create(Time);

    protected override Task LetTimePassAsync(TimeSpan span) => EmbeddedDataDir.LetTimePass(Time, span);

    public void Dispose() => dir.Dispose();
}

public sealed class EmbeddedWorkQueueTests : WorkQueueContract, IDisposable
{
    private readonly EmbeddedDataDir dir = new();

    internal override StorageServices CreateServices() => dir.Create(Time);

    protected override Task LetTimePassAsync(TimeSpan span) => EmbeddedDataDir.LetTimePass(Time, span);

    public void Dispose() => dir.Dispose();
}

public sealed class EmbeddedDocumentSizeTests : DocumentSizeContract, IDisposable
{
    private readonly EmbeddedDataDir dir = new();

    internal override StorageServices CreateServices() => dir.Create(Time);

    protected override Task LetTimePassAsync(TimeSpan span) => EmbeddedDataDir.LetTimePass(Time, span);

    public void Dispose() => dir.Dispose();
}

[Collection(EmulatorGroup.Name)]
public sealed class AzureSnapshotStoreTests(EmulatorFixture emulators) : SnapshotStoreContract
{
    internal override StorageServices CreateServices() => emulators.CreateServices(Time);

    protected override Task LetTimePassAsync(TimeSpan span) => RealTime.Wait(Time, span);
}

[Collection(EmulatorGroup.Name)]
public sealed class AzureRunStoreTests(EmulatorFixture emulators) : RunStoreContract
{
    internal override StorageServices CreateServices() => emulators.CreateServices(Time);

    protected override Task LetTimePassAsync(TimeSpan span) => RealTime.Wait(Time, span);
}

[Collection(EmulatorGroup.Name)]
public sealed class AzureTransferLedgerTests(EmulatorFixture emulators) : TransferLedgerContract
{
    internal override StorageServices CreateServices() => emulators.CreateServices(Time);

    protected override Task LetTimePassAsync(TimeSpan span) => RealTime.Wait(Time, span);
}

[Collection(EmulatorGroup.Name)]
public sealed class AzureDocumentSizeTests(EmulatorFixture emulators) : DocumentSizeContract
{
    internal override StorageServices CreateServices() => emulators.CreateServices(Time);

    protected override Task LetTimePassAsync(TimeSpan span) => RealTime.Wait(Time, span);
}

[Collection(EmulatorGroup.Name)]
public sealed class AzureWorkQueueTests(EmulatorFixture emulators) : WorkQueueContract
{
    internal override StorageServices CreateServices() => emulators.CreateServices(Time);

    protected override Task LetTimePassAsync(TimeSpan span) => RealTime.Wait(Time, span);
}

/// <summary>A fresh data directory for the embedded adapters, deleted afterwards.</summary>
internal sealed class EmbeddedDataDir : IDisposable
{
    public string Path { get; } = Emulators.NewTempDirectory("rebalancing-embedded");

    public StorageServices Create(TimeProvider time) => StorageServices.CreateEmbedded(Path, time);

    public static Task LetTimePass(ManualTimeProvider time, TimeSpan span)
    {
        time.Advance(span);
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}

/// <summary>The emulator keeps its own (real) clock: wait, and move the manual clock along for what the stores stamp.</summary>
internal static class RealTime
{
    public static async Task Wait(ManualTimeProvider time, TimeSpan span)
    {
        time.Advance(span);
        await Task.Delay(span + TimeSpan.FromMilliseconds(500));
    }
}

public sealed class EmbeddedWorkersTests(Xunit.Abstractions.ITestOutputHelper output) : WorkersContract(output), IDisposable
{
    private readonly EmbeddedDataDir dir = new();

    protected override int Messages => 400;

    internal override StorageServices CreateServices() => dir.Create(Time);

    protected override Task LetTimePassAsync(TimeSpan span) => EmbeddedDataDir.LetTimePass(Time, span);

    public void Dispose() => dir.Dispose();
}

[Collection(EmulatorGroup.Name)]
public sealed class AzureWorkersTests(EmulatorFixture emulators, Xunit.Abstractions.ITestOutputHelper output) : WorkersContract(output)
{
    protected override int Messages => 100;

    internal override StorageServices CreateServices() => emulators.CreateServices(Time);

    protected override Task LetTimePassAsync(TimeSpan span) => RealTime.Wait(Time, span);
}
