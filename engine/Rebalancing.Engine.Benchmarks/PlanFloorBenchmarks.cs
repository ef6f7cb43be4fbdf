using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Rebalancing.Engine.Input;
using Rebalancing.Engine.Model;
using Rebalancing.Engine.Output;
using Rebalancing.Engine.Planning;
using Rebalancing.Engine.Plans;
using Rebalancing.Engine.Policies;

namespace Rebalancing.Engine.Benchmarks;

/// <summary>
/// The work every plan of a snapshot costs whatever its search finds, each part on one thread: the planning context
/// (cells, blocks, sell-through tables), the canonical input hash, a reason for every untouched row, the plan's hash
/// and the two CSV files; and the upper bound behind the optimality ratio. Loading is the baseline, as in
/// <see cref="PlanBenchmarks"/>: issue 7's 1M-row target leaves the plan about one more load of time after its own
/// load, and these parts alone take more than that (docs/performance.md, "Why the open targets are blocked").
/// Sizes are in the subclasses: <see cref="PlanFloorBenchmarks"/> (pilot) and <see cref="LargePlanFloorBenchmarks"/>
/// (1M rows).
/// </summary>
[MemoryDiagnoser]
public abstract class PlanFloorBenchmarksBase
{
    private Networks network = null!;
    private Snapshot snapshot = null!;
    private PlanState finished = null!;
    private Plan plan = null!;

    /// <summary>The network, <c>STORESxSKUS</c>.</summary>
    public abstract string Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        network = Networks.Parse(Size);
        snapshot = SnapshotLoader.Load(network).Snapshot!;
        var session = new PlanningSession(snapshot, Policy.Default);
        var moves = new List<StageMove>(session.WarehousePush());
        var afterPass1 = moves.ToList();
        foreach (var cluster in session.Clusters)
        {
            moves.AddRange(session.StoreTransfersWithin(afterPass1, cluster));
        }

        moves.AddRange(session.StoreTransfersAcross(moves));
        moves.AddRange(session.Consolidate(moves));
        finished = session.Replay(moves);
        plan = session.Assemble(moves);
    }

    [Benchmark(Baseline = true)]
    public Snapshot? LoadAndValidate() => SnapshotLoader.Load(network).Snapshot;

    [Benchmark]
    public object Context() => new PlanContext(snapshot, Policy.Default);

    [Benchmark]
    public object InputHash() => DeterminismHash.PrepareInput(snapshot, Policy.Default);

    [Benchmark]
    public double UpperBound() => Quality.UpperBound.Compute(finished.Context);

    [Benchmark]
    public object Reasons() => ReasonClassifier.Classify(finished, parallel: false);

    [Benchmark]
    public string PlanHash() => DeterminismHash.OfPlan(plan);

    [Benchmark]
    public long WriteFiles()
    {
        using var writer = new StringWriter();
        PlanWriter.WriteMoves(writer, plan);
        PlanWriter.WriteBlocked(writer, plan);
        return writer.GetStringBuilder().Length;
    }
}

/// <summary>The search-independent parts at pilot scale (40 x 1,000, ~28k rows).</summary>
[BenchmarkCategory("Floor")]
public class PlanFloorBenchmarks : PlanFloorBenchmarksBase
{
    [Params("40x1000")]
    public override string Size { get; set; } = "40x1000";
}

/// <summary>The search-independent parts at 1M rows (200 x 7,300); one warm-up and five measured runs each.</summary>
[BenchmarkCategory("Floor")]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class LargePlanFloorBenchmarks : PlanFloorBenchmarksBase
{
    [Params("200x7300")]
    public override string Size { get; set; } = "200x7300";
}
