using BenchmarkDotNet.Attributes;
using Rebalancing.Engine.Input;
using Rebalancing.Engine.Model;
using Rebalancing.Engine.Planning;
using Rebalancing.Engine.Policies;

namespace Rebalancing.Engine.Benchmarks;

/// <summary>
/// The whole plan and each stage, at pilot scale (40 x 1,000, ~28k rows) and 100k rows (80 x 2,000). Loading is the
/// baseline: planning should cost no more than reading and checking the input again (issue 7).
/// </summary>
[MemoryDiagnoser]
public class PlanBenchmarks
{
    private Networks network = null!;
    private Snapshot snapshot = null!;
    private PlanningSession session = null!;
    private IReadOnlyList<StageMove> pass1 = [];
    private IReadOnlyList<StageMove> afterPass2 = [];

    [Params("40x1000", "80x2000")]
    public string Size { get; set; } = "40x1000";

    [GlobalSetup]
    public void Setup()
    {
        var parts = Size.Split('x');
        network = new Networks(int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
        snapshot = SnapshotLoader.Load(network).Snapshot!;
        session = new PlanningSession(snapshot, Policy.Default);
        pass1 = session.WarehousePush();
        var within = session.Clusters.SelectMany(c => session.StoreTransfersWithin(pass1, c)).ToList();
        var sofar = pass1.Concat(within).ToList();
        afterPass2 = sofar.Concat(session.StoreTransfersAcross(sofar)).ToList();
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
    public object Pass3Consolidate() => session.Consolidate(afterPass2);
}
