using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Rebalancing.Engine.Benchmarks.PlanBenchmarks).Assembly).Run(args);
