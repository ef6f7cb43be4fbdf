using Rebalancing.Engine.Planning;

namespace Rebalancing.Cli.Io;

/// <summary>
/// For networks of millions of rows, a compacting collection as each stage of the plan finishes that hands the freed
/// memory back to the operating system, then the report to <paramref name="inner"/>.
/// </summary>
/// <remarks>
/// Each stage leaves gigabytes of garbage at 10M rows (copies of the state per cluster, the search's queues, the
/// attribution's indexes), and the collector kept that space committed: the process stood ~1.5 GB above its live
/// heap between stages. A compacting collection per stage costs seconds in a run of minutes and brought the 10M-row
/// peak from 5.64 to 4.84 GiB (docs/performance.md, "Issue 16 (round 7)"). Below <see cref="FromRows"/> a plan's heap
/// is a few hundred MB and the collections would only cost time.
/// </remarks>
internal sealed class MemoryBetweenStages(IProgress<PlanStage> inner) : IProgress<PlanStage>
{
    /// <summary>Inventory rows from which the collections pay.</summary>
    public const int FromRows = 2_000_000;

    public static IProgress<PlanStage> For(int inventoryRows, IProgress<PlanStage> inner) =>
        inventoryRows >= FromRows ? new MemoryBetweenStages(inner) : inner;

    public void Report(PlanStage value)
    {
        // Before the report, so the stage's own garbage is counted in the stage's time.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        inner.Report(value);
    }
}
