using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Rebalancing.Cli.Io;

namespace Rebalancing.Cli.Commands;

/// <summary><c>validate --snapshot DIR_OR_ZIP [--policy FILE] [--quiet] [--timings]</c>: load and check only, with plan's exit codes.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var snapshot = CommonOptions.Snapshot();
        var policy = CommonOptions.Policy();
        var quiet = CommonOptions.Quiet();
        var timings = CommonOptions.Timings();
        var command = new Command("validate", "Load and check a snapshot and policy without planning.") { snapshot, policy, quiet, timings };
        command.SetAction(result => Run(result.GetValue(snapshot)!, result.GetValue(policy), result.GetValue(quiet), Console.Out, Console.Error, result.GetValue(timings)));
        return command;
    }

    public static int Run(string snapshotPath, string? policyPath, bool quiet, TextWriter output, TextWriter errors, bool timings = false)
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

            var s = input.Snapshot;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"valid: {s.Header.OrgId} as of {s.Header.AsOf.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}: {s.Nodes.Length} nodes, {s.Products.Length} SKUs, {s.Inventory.Count} inventory rows"));
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
