using System.Diagnostics;
using Rebalancing.Cli.Io;
using Rebalancing.Engine.Input;
using Rebalancing.Engine.Passes.StoreTransfers;
using Rebalancing.Engine.Planning;
using Rebalancing.Engine.Policies;

namespace Rebalancing.Engine.Benchmarks;

/// <summary>
/// <c>probe DIR</c>: plans a snapshot folder stage by stage on one process and prints each stage's time and the
/// transfer search's work (exact pricings and queue removals per inventory row, searches run).
/// </summary>
internal static class Probe
{
    public static void Stages(string folder, int runs)
    {
        for (var run = 1; run <= runs; run++)
        {
            Console.WriteLine($"run {run} of {runs}{(run == 1 ? " (cold: JIT included)" : "")}");
            Stages(folder);
        }
    }

    private static void Stages(string folder)
    {
        var clock = Stopwatch.StartNew();
        var snapshot = SnapshotLoader.Load(new DirectorySnapshotSource(folder)).Snapshot!;
        var session = new PlanningSession(snapshot, Policy.Default);
        var rows = snapshot.Inventory.Count;
        Report("load and context", clock, rows);
        var pass1 = session.WarehousePush();
        Report("pass 1", clock, rows);
        var within = pass1.Concat(session.Clusters.AsParallel().AsOrdered().SelectMany(c => session.StoreTransfersWithin(pass1, c))).ToList();
        Report("pass 2 within", clock, rows);
        var across = within.Concat(session.StoreTransfersAcross(within)).ToList();
        Report("pass 2 across", clock, rows);
        Console.WriteLine($"pass 2 moves: {across.Count - pass1.Length}");
        var all = across.Concat(session.Consolidate(across)).ToList();
        Report("pass 3", clock, rows);
        var plan = session.Assemble(all);
        Report("assembly", clock, rows);
        Console.WriteLine($"net benefit {plan.NetBenefitCents / 100.0:F0}, ratio {plan.OptimalityRatio:F4}, moves {plan.Moves.Length}");
    }

    private static void Report(string stage, Stopwatch clock, int rows)
    {
        Console.WriteLine($"{stage}: {clock.ElapsedMilliseconds} ms, pricings/row {(double)TransferSearch.TotalPricings / rows:F2}, removals/row {(double)TransferSearch.TotalRemovals / rows:F2}, searches {TransferSearch.TotalSearches}, peak working set {Process.GetCurrentProcess().PeakWorkingSet64 >> 20} MB, heap {GC.GetTotalMemory(false) >> 20} MB");
        TransferSearch.TotalPricings = TransferSearch.TotalRemovals = TransferSearch.TotalSearches = 0;
        clock.Restart();
    }
}
