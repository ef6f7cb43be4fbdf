using BenchmarkDotNet.Running;

// probe DIR [RUNS]: the stages of one plan, RUNS times in one process (the first cold, the others warm).
if (args is ["probe", var folder, ..] && args.Length <= 3)
{
    Rebalancing.Engine.Benchmarks.Probe.Stages(folder, args.Length == 3 ? int.Parse(args[2]) : 1);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Rebalancing.Engine.Benchmarks.PlanBenchmarks).Assembly).Run(args);
