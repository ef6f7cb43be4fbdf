using System.CommandLine;
using Rebalancing.Engine.Synthetic;

namespace Rebalancing.Cli.Commands;

/// <summary><c>demo --out DIR</c>: generate a pilot-scale network, plan it, print a summary and where the files are.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Folder for the demo snapshot and plan.", DefaultValueFactory = _ => "demo-out" };
        var command = new Command("demo", "Generate a pilot-scale network (40 stores, 1000 SKUs), plan it and summarise.") { output };
        command.SetAction(result => Run(result.GetValue(output)!, Console.Out, Console.Error));
        return command;
    }

    public static int Run(string outDirectory, TextWriter output, TextWriter errors)
    {
        var snapshotDirectory = Path.Combine(outDirectory, "snapshot");
        var planDirectory = Path.Combine(outDirectory, "plan");
        try
        {
            var info = GenerateCommand.Write(new NetworkGeneratorOptions { Stores = 40, Skus = 1000 }, snapshotDirectory);
            output.WriteLine($"generated {info.SnapshotId} ({info.InventoryRows} inventory rows) in {Path.GetFullPath(snapshotDirectory)}");
            var exit = PlanCommand.Run(snapshotDirectory, null, planDirectory, quiet: true, output, errors);
            if (exit != ExitCodes.Success)
            {
                return exit;
            }

            output.WriteLine($"next: dotnet run --project engine/Rebalancing.Cli -- plan --snapshot {snapshotDirectory} --out {planDirectory}");
            return ExitCodes.Success;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            errors.WriteLine($"error: {ex.Message}");
            return ExitCodes.Failure;
        }
    }
}
