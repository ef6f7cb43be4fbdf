using BenchmarkDotNet.Running;

if (args is ["probe", var folder])
{
    Rebalancing.Engine.Benchmarks.Probe.Stages(folder);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Rebalancing.Engine.Benchmarks.PlanBenchmarks).Assembly).Run(args);
