using System.CommandLine;
using System.Diagnostics;
using Rebalancing.Cli.Io;
using Rebalancing.Engine.Planning;

namespace Rebalancing.Cli.Commands;

/// <summary><c>plan --snapshot DIR_OR_ZIP [--policy FILE] --out DIR [--quiet] [--timings]</c>.</summary>
internal static class PlanCommand
{
    public static Command Create()
    {
        var snapshot = CommonOptions.Snapshot();
        var policy = CommonOptions.Policy();
        var output = CommonOptions.Out("Folder for moves.csv, blocked.csv and summary.json (created if missing).");
        var quiet = CommonOptions.Quiet();
        var timings = CommonOptions.Timings();
        var command = new Command("plan", "Plan a snapshot and write moves.csv, blocked.csv and summary.json.") { snapshot, policy, output, quiet, timings };
        command.SetAction(result => Run(result.GetValue(snapshot)!, result.GetValue(policy), result.GetValue(output)!, result.GetValue(quiet), Console.Out, Console.Error, result.GetValue(timings)));
        return command;
    }

    public static int Run(string snapshotPath, string? policyPath, string outDirectory, bool quiet, TextWriter output, TextWriter errors, bool timings = false)
    {
        try
        {
            var clock = Stopwatch.StartNew();
            var progress = Progress.For(quiet, timings);
            if (timings)
            {
                progress.Record("startup", ProcessClock.SinceStart());
            }

            if (InputLoader.Load(snapshotPath, policyPath, errors, progress) is not { } input)
            {
                return ExitCodes.InvalidInput;
            }

            progress.StartStages();
            var plan = Planner.Create(input.Snapshot, input.Policy, MemoryBetweenStages.For(input.Snapshot.Inventory.Count, progress));

            var elapsed = clock.ElapsedMilliseconds;
            PlanFiles.Write(outDirectory, plan, elapsed, progress);
            using (progress.Step("summary", "print"))
            {
                SummaryTable.Print(output, plan, outDirectory, elapsed);
            }

            progress.WriteTimings(clock.Elapsed);
            return ExitCodes.Success;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            errors.WriteLine($"error: {ex.Message}");
            return ExitCodes.Failure;
        }
    }
}
