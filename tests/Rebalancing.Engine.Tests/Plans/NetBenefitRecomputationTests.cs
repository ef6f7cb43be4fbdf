using System.Globalization;
using System.Text.Json;
using Rebalancing.Cli.Commands;
using Rebalancing.Engine.Tests.Support;

namespace Rebalancing.Engine.Tests.Plans;

public sealed class NetBenefitRecomputationTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "rebalancing-tests", Guid.NewGuid().ToString("N"));
    private string outDirectory;

    public NetBenefitRecomputationTests() => outDirectory = root;

    [Fact]
    public void IndependentCheck_HandMadeWorkedExamplePlan_Gives3553Point43()
    {
        // The checker itself is pinned to the worked example's numbers (docs/worked-example.md) before it is trusted with the engine's plans.
        var check = IndependentCheck.FromDirectory(Path.Combine(TestFiles.WorkedExample, "snapshot"));
        var moves = Csv.Parse(File.ReadAllText(Path.Combine(TestFiles.WorkedExample, "plan", "moves.csv")));
        var (gain, freight) = check.Recompute(moves);
        Assert.Equal(3656.13, Math.Round(gain, 2));
        Assert.Equal(102.70, Math.Round(freight, 2));
        Assert.Equal(3553.43, Math.Round(gain - freight, 2));
    }

    [Fact]
    public void Plan_WorkedExample_SummaryNetBenefitEqualsIndependentRecomputation() =>
        AssertSummaryMatchesRecomputation(Path.Combine(TestFiles.WorkedExample, "snapshot"));

    [Theory]
    [InlineData(6, 80, 1)]
    [InlineData(12, 150, 2)]
    [InlineData(20, 300, 3)]
    public void Plan_GeneratedNetwork_SummaryNetBenefitEqualsIndependentRecomputation(int stores, int skus, long seed)
    {
        var snapshotDirectory = Path.Combine(outDirectory, "snapshot");
        Rebalancing.Cli.Commands.GenerateCommand.Write(new Rebalancing.Engine.Synthetic.NetworkGeneratorOptions { Stores = stores, Skus = skus, Seed = seed }, snapshotDirectory);
        outDirectory = Path.Combine(outDirectory, "plan");

        AssertSummaryMatchesRecomputation(snapshotDirectory);
    }

    internal void AssertSummaryMatchesRecomputation(string snapshotDirectory)
    {
        var exit = PlanCommand.Run(snapshotDirectory, null, outDirectory, quiet: true, TextWriter.Null, TextWriter.Null);
        Assert.Equal(0, exit);
        var moves = Csv.Parse(File.ReadAllText(Path.Combine(outDirectory, "moves.csv")));
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDirectory, "summary.json")));
        var root = summary.RootElement;
        var (gain, freight) = IndependentCheck.FromDirectory(snapshotDirectory).Recompute(moves);

        Assert.Equal(gain - freight, root.GetProperty("net_benefit").GetDouble(), 0.0101);
        Assert.Equal(gain, root.GetProperty("gp_uplift").GetDouble(), 0.0101);
        Assert.Equal(freight, root.GetProperty("freight_cost").GetDouble(), 0.0101);

        // The moves' columns add up to the totals exactly, and each row's net is its gain less its freight.
        static decimal Sum(List<Dictionary<string, string>> rows, string column) => rows.Sum(r => decimal.Parse(r[column], CultureInfo.InvariantCulture));
        Assert.Equal(root.GetProperty("gp_uplift").GetDecimal(), Sum(moves, "gp_uplift"));
        Assert.Equal(root.GetProperty("freight_cost").GetDecimal(), Sum(moves, "freight_cost"));
        Assert.Equal(root.GetProperty("net_benefit").GetDecimal(), Sum(moves, "net_benefit"));
        Assert.All(moves, m => Assert.Equal(
            decimal.Parse(m["gp_uplift"], CultureInfo.InvariantCulture) - decimal.Parse(m["freight_cost"], CultureInfo.InvariantCulture),
            decimal.Parse(m["net_benefit"], CultureInfo.InvariantCulture)));
    }

    public void Dispose()
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
