using System.CommandLine;
using System.Globalization;
using System.Text;
using Rebalancing.Engine.Synthetic;

namespace Rebalancing.Cli.Commands;

/// <summary><c>generate --stores N --skus N [--clusters N] [--warehouses N] [--seed N] --out DIR</c>.</summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var stores = new Option<int>("--stores") { Description = "Number of stores.", Required = true };
        var skus = new Option<int>("--skus") { Description = "Number of SKUs.", Required = true };
        var clusters = new Option<int?>("--clusters") { Description = "Regional clusters (default: about one per six stores, at most 8)." };
        var warehouses = new Option<int?>("--warehouses") { Description = "Warehouses (default: 1 + stores / 200)." };
        var seed = new Option<long>("--seed") { Description = "Seed; the same seed gives byte-identical files.", DefaultValueFactory = _ => 1 };
        var output = CommonOptions.Out("Folder to write the snapshot into (created if missing).");
        var command = new Command("generate", "Write a realistic synthetic snapshot, deterministic for a seed.") { stores, skus, clusters, warehouses, seed, output };
        command.SetAction(result =>
        {
            var options = new NetworkGeneratorOptions
            {
                Stores = result.GetValue(stores),
                Skus = result.GetValue(skus),
                Clusters = result.GetValue(clusters),
                Warehouses = result.GetValue(warehouses),
                Seed = result.GetValue(seed),
            };
            return Run(options, result.GetValue(output)!, Console.Out, Console.Error);
        });
        return command;
    }

    public static int Run(NetworkGeneratorOptions options, string outDirectory, TextWriter output, TextWriter errors)
    {
        try
        {
            options.Validate();
        }
        catch (ArgumentException ex)
        {
            errors.WriteLine($"error: {ex.Message}");
            return ExitCodes.InvalidInput;
        }

        try
        {
            var info = Write(options, outDirectory);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"generated {info.SnapshotId}: {info.Stores} stores, {info.Warehouses} warehouses, {options.Skus} SKUs, {info.InventoryRows} inventory rows in {Path.GetFullPath(outDirectory)}"));
            return ExitCodes.Success;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            errors.WriteLine($"error: {ex.Message}");
            return ExitCodes.Failure;
        }
    }

    public static GeneratedNetworkInfo Write(NetworkGeneratorOptions options, string outDirectory)
    {
        Directory.CreateDirectory(outDirectory);
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        return NetworkGenerator.Generate(options, name => new StreamWriter(Path.Combine(outDirectory, name), false, utf8, 1 << 16));
    }
}
