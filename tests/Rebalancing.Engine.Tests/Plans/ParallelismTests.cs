using Rebalancing.Engine.Planning;
using Rebalancing.Engine.Policies;
using Rebalancing.Engine.Tests.Support;

namespace Rebalancing.Engine.Tests.Plans;

public class ParallelismTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Plan_SingleThreadedAndParallelClusterRuns_GiveTheSamePlanAndHash(int seed)
    {
        var snapshot = RandomNetwork.Load(RandomNetwork.Generate(seed));

        var serial = new PlanningSession(snapshot, Policy.Default).Run(parallel: false);
        var parallel = new PlanningSession(snapshot, Policy.Default).Run(parallel: true);

        Assert.Equal(serial.Hash, parallel.Hash);
        Assert.Equal(serial.Moves.ToList(), parallel.Moves.ToList());
        Assert.Equal(serial.Blocked.ToList(), parallel.Blocked.ToList());
    }

    [Fact]
    public void Plan_OnAGeneratedNetworkLargeEnoughToSplitEveryStage_GivesTheSamePlanAndHashOnOneThread()
    {
        // 30 stores x 600 SKUs: thousands of untouched rows, so reasons are classified in parts on several threads,
        // clusters plan in parallel, pass 2 lists its pairs in chunks of styles on several threads, and the upper
        // bound and input hashes are worked out alongside the passes.
        var snapshot = RandomNetwork.Load(RandomNetwork.Generated(stores: 30, skus: 600, seed: 11));

        var serial = new PlanningSession(snapshot, Policy.Default).Run(parallel: false);
        var parallel = new PlanningSession(snapshot, Policy.Default).Run(parallel: true);

        Assert.True(serial.Blocked.Length >= 4096, $"only {serial.Blocked.Length} untouched rows: the classifier would not split them");
        Assert.True(snapshot.Styles.Length >= 4 * Rebalancing.Engine.Passes.StoreTransfers.TransferSearch.StylesPerChunk, $"only {snapshot.Styles.Length} styles: pass 2 would list pairs on one thread");
        Assert.Equal(serial.Hash, parallel.Hash);
        Assert.Equal(serial.InputHash, parallel.InputHash);
        Assert.Equal(serial.UpperBoundCents, parallel.UpperBoundCents);
        Assert.Equal(serial.Blocked.ToList(), parallel.Blocked.ToList());
    }
}
