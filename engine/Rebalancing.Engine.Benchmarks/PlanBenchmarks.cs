using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Rebalancing.Engine.Input;
using Rebalancing.Engine.Model;
using Rebalancing.Engine.Planning;
using Rebalancing.Engine.Policies;

namespace Rebalancing.Engine.Benchmarks;

/// <summary>
/// The whole plan and each stage. Loading is the baseline: planning should cost no more than reading and checking
/// the input again (issue 7). Sizes are in the subclasses: <see cref="PlanBenchmarks"/> (pilot and 100k rows, the
/// default set) and <see cref="LargePlanBenchmarks"/> (1M rows, its own category because a plan takes minutes there).
/// Each benchmark's setup prepares only the stages it needs, so a pass 3 run does not replan pass 2 for every size.
/// </summary>
[MemoryDiagnoser]
public abstract class PlanBenchmarksBase
{
    private Networks network = null!;
    private Snapshot snapshot = null!;
    private PlanningSession session = null!;
    private IReadOnlyList<StageMove> pass1 = [];
    private IReadOnlyList<StageMove> afterWithin = [];
    private IReadOnlyList<StageMove> afterPass2 = [];
    private IReadOnlyList<StageMove> allMoves = [];

    /// <summary>The network, <c>STORESxSKUS</c>.</summary>
    public abstract string Size { get; set; }

    [GlobalSetup(Targets = [nameof(LoadAndValidate), nameof(WholePlan), nameof(Pass1WarehousePush)])]
    public void Setup()
    {
        network = Networks.Parse(Size);
        snapshot = SnapshotLoader.Load(network).Snapshot!;
        session = new PlanningSession(snapshot, Policy.Default);
    }

    [GlobalSetup(Target = nameof(Pass2WithinClusters))]
    public void SetupPass2()
    {
        Setup();
        pass1 = session.WarehousePush();
    }

    [GlobalSetup(Target = nameof(Pass2AcrossClusters))]
    public void SetupAcross()
    {
        SetupPass2();
        afterWithin = pass1.Concat(session.Clusters.SelectMany(c => session.StoreTransfersWithin(pass1, c))).ToList();
    }

    [GlobalSetup(Target = nameof(Pass3Consolidate))]
    public void SetupPass3()
    {
        SetupAcross();
        afterPass2 = afterWithin.Concat(session.StoreTransfersAcross(afterWithin)).ToList();
    }

    [GlobalSetup(Target = nameof(Assembly))]
    public void SetupAssembly()
    {
        SetupPass3();
        allMoves = afterPass2.Concat(session.Consolidate(afterPass2)).ToList();
    }

    [Benchmark(Baseline = true)]
    public Snapshot? LoadAndValidate() => SnapshotLoader.Load(network).Snapshot;

    [Benchmark]
    public object WholePlan() => Planner.Create(snapshot, Policy.Default);

    [Benchmark]
    public object Pass1WarehousePush() => session.WarehousePush();

    [Benchmark]
    public object Pass2WithinClusters() => session.Clusters.Select(c => session.StoreTransfersWithin(pass1, c)).ToList();

    [Benchmark]
    public object Pass2AcrossClusters() => session.StoreTransfersAcross(afterWithin);

    [Benchmark]
    public object Pass3Consolidate() => session.Consolidate(afterPass2);

    /// <summary>Reasons, attribution, KPIs, upper bound and hashes (the stage API computes them all here, on one thread).</summary>
    [Benchmark]
    public object Assembly() => session.Assemble(allMoves);
}

/// <summary>Pilot scale (40 x 1,000, ~28k rows) and 100k rows (80 x 2,000): the default set.</summary>
[BenchmarkCategory("Plan")]
public class PlanBenchmarks : PlanBenchmarksBase
{
    [Params("40x1000", "80x2000")]
    public override string Size { get; set; } = "40x1000";
}

/// <summary>
/// 1M rows (200 x 7,300: 1,002,122 inventory rows). One measured run per benchmark after one warm-up, since a whole
/// plan takes about ten seconds at this size; run it on its own (docs/performance.md).
/// </summary>
[BenchmarkCategory("Plan1M")]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 1)]
public class LargePlanBenchmarks : PlanBenchmarksBase
{
    [Params("200x7300")]
    public override string Size { get; set; } = "200x7300";
}
