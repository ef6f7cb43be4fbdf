using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Rebalancing.Cli.Io;
using Rebalancing.Engine.Input;
using Rebalancing.Engine.Planning;
using Rebalancing.Engine.Policies;
using Rebalancing.Engine.Quality;
using Rebalancing.Engine.Synthetic;

namespace Rebalancing.Cli.Commands;

/// <summary>
/// <c>quality --sizes 40x1000,80x2000 --seeds 1-5</c>: plans generated networks and prints, as a markdown table, the
/// plan's net benefit, the upper bound, the optimality ratio and the fair-share baseline — the figures in
/// docs/quality.md.
/// </summary>
internal static class QualityCommand
{
    public static Command Create()
    {
        var sizes = new Option<string>("--sizes") { Description = "Comma-separated STORESxSKUS, e.g. 20x500,40x1000.", DefaultValueFactory = _ => "40x1000" };
        var seeds = new Option<string>("--seeds") { Description = "Seeds: a range 1-5 or a list 1,2,7.", DefaultValueFactory = _ => "1-5" };
        var command = new Command("quality", "Measure plan quality against the upper bound and a fair-share baseline on generated networks.") { sizes, seeds };
        command.SetAction(result => Run(result.GetValue(sizes)!, result.GetValue(seeds)!, Console.Out, Console.Error));
        return command;
    }

    public static int Run(string sizes, string seeds, TextWriter output, TextWriter errors)
    {
        List<(int Stores, int Skus)> networks;
        List<long> seedList;
        try
        {
            networks = [.. sizes.Split(',').Select(s => s.Split('x')).Select(p => (int.Parse(p[0], CultureInfo.InvariantCulture), int.Parse(p[1], CultureInfo.InvariantCulture)))];
            seedList = seeds.Contains('-', StringComparison.Ordinal)
                ? [.. Enumerable.Range(int.Parse(seeds.Split('-')[0], CultureInfo.InvariantCulture), int.Parse(seeds.Split('-')[1], CultureInfo.InvariantCulture) - int.Parse(seeds.Split('-')[0], CultureInfo.InvariantCulture) + 1).Select(i => (long)i)]
                : [.. seeds.Split(',').Select(s => long.Parse(s, CultureInfo.InvariantCulture))];
        }
        catch (Exception ex) when (ex is FormatException or IndexOutOfRangeException or OverflowException)
        {
            errors.WriteLine($"error: --sizes takes STORESxSKUS[,..] and --seeds a range A-B or a list ({ex.Message})");
            return ExitCodes.InvalidInput;
        }

        output.WriteLine("| stores x SKUs | seed | rows | net benefit | upper bound | ratio | fair-share net | fair-share ratio | plan ms |");
        output.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var (stores, skus) in networks)
        {
            foreach (var seed in seedList)
            {
                var source = new MemorySnapshotSource();
                NetworkGenerator.Generate(new NetworkGeneratorOptions { Stores = stores, Skus = skus, Seed = seed }, source.Create);
                var snapshot = SnapshotLoader.Load(source).Snapshot!;
                var clock = Stopwatch.StartNew();
                var plan = Planner.Create(snapshot, Policy.Default);
                var elapsed = clock.ElapsedMilliseconds;
                var fairShare = FairShareBaseline.NetBenefit(snapshot, Policy.Default);
                var bound = plan.UpperBoundCents / 100.0;
                output.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"| {stores}x{skus} | {seed} | {snapshot.Inventory.Count} | {plan.NetBenefitCents / 100.0:0} | {bound:0} | {plan.OptimalityRatio:0.000} | {fairShare:0} | {(bound > 0 ? fairShare / bound : 1):0.000} | {elapsed} |"));
            }
        }

        return ExitCodes.Success;
    }
}
