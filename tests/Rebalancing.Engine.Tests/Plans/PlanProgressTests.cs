using Rebalancing.Engine.Planning;
using Rebalancing.Engine.Policies;
using Rebalancing.Engine.Tests.Support;

namespace Rebalancing.Engine.Tests.Plans;

public class PlanProgressTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Plan_ReportsEveryStageOnceInOrder_TheLastWithThePlanComplete(bool parallel)
    {
        var snapshot = RandomNetwork.Load(RandomNetwork.Generate(4));
        var stages = new StageRecorder();

        new PlanningSession(snapshot, Policy.Default).Run(parallel, stages);

        Assert.Equal(Enum.GetValues<PlanStage>(), stages.Reported);
    }

    /// <summary>Records reports as they are made, on the planning thread (unlike <see cref="Progress{T}"/>, which posts them).</summary>
    private sealed class StageRecorder : IProgress<PlanStage>
    {
        public List<PlanStage> Reported { get; } = [];

        public void Report(PlanStage value) => Reported.Add(value);
    }
}
