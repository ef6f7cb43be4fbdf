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
}
