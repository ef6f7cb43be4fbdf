using Rebalancing.Functions.Tests.Harness;
using Rebalancing.Functions.Tests.Storage.Contracts;
using Xunit.Abstractions;

namespace Rebalancing.Functions.Tests.Orchestration;

public sealed class EmbeddedOrchestrationTests(ITestOutputHelper output) : OrchestrationContract(output), IDisposable
{
    private readonly EmbeddedDataDir dir = new();

    protected override int Races => 20;

    protected override TimeSpan Visibility => TimeSpan.FromMinutes(5);

    internal override Rebalancing.Functions.Storage.StorageServices CreateServices() => dir.Create(Time);

    protected override Task LetTimePassAsync(TimeSpan span) => EmbeddedDataDir.LetTimePass(Time, span);

    public void Dispose() => dir.Dispose();
}

[Collection(EmulatorGroup.Name)]
public sealed class AzureOrchestrationTests(EmulatorFixture emulators, ITestOutputHelper output) : OrchestrationContract(output)
{
    protected override int Races => 5;

    protected override TimeSpan Visibility => TimeSpan.FromSeconds(2);

    internal override Rebalancing.Functions.Storage.StorageServices CreateServices() => emulators.CreateServices(Time);

    protected override Task LetTimePassAsync(TimeSpan span) => RealTime.Wait(Time, span);
}
