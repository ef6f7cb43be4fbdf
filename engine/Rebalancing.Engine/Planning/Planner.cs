using Rebalancing.Engine.Model;
using Rebalancing.Engine.Plans;
using Rebalancing.Engine.Policies;

namespace Rebalancing.Engine.Planning;

/// <summary>Turns a snapshot and a policy into a plan: pass 1, then the later passes, each from the state the previous left.</summary>
public static class Planner
{
    /// <summary>Plans a snapshot.</summary>
    /// <param name="snapshot">A validated snapshot.</param>
    /// <param name="policy">The policy.</param>
    /// <param name="progress">Told as each stage finishes (for progress on long work), or <see langword="null"/>.</param>
    /// <returns>The plan.</returns>
    public static Plan Create(Snapshot snapshot, Policy policy, IProgress<PlanStage>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(policy);
        return new PlanningSession(snapshot, policy).Run(parallel: true, progress);
    }
}
