using System.Globalization;
using System.Text.Json;
using Rebalancing.Cli.Commands;
using Rebalancing.Engine.Tests.Support;

namespace Rebalancing.Engine.Tests.Plans;

/// <summary>
/// Every figure of docs/worked-example.md is recomputed from the fixture (Fixtures/WorkedExample) with the
/// independent checker: the doc's tables are read and compared row by row, so the doc cannot drift from the numbers.
/// </summary>
public sealed class WorkedExampleDocumentationTests : IDisposable
{
    private static readonly string Doc = File.ReadAllText(Path.Combine(TestFiles.RepositoryRoot(), "docs", "worked-example.md")).ReplaceLineEndings("\n");
    private static readonly IndependentCheck Check = IndependentCheck.FromDirectory(Path.Combine(TestFiles.WorkedExample, "snapshot"));
    private static readonly List<Dictionary<string, string>> Moves = Csv.Parse(File.ReadAllText(Path.Combine(TestFiles.WorkedExample, "plan", "moves.csv")));
    private readonly string outDirectory = Path.Combine(Path.GetTempPath(), "rebalancing-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public void ValuesTable_EveryRow_MatchesTheRecomputedPositionsDemandAndValues()
    {
        var cells = Check.Cells(Moves).ToDictionary(c => (c.Node, c.Sku));
        var rows = Table("| node | sku | x before |");
        Assert.Equal(8, rows.Count);
        foreach (var row in rows)
        {
            var cell = cells[(row[0], row[1])];
            var where = $"{row[0]} {row[1]}";
            Assert.True(cell.PositionBefore == Int(row[2]), where + " x before");
            Assert.True(Math.Abs(cell.MuBefore - Number(row[3])) < 1e-9, where + " mu before");
            Assert.True(Cents(cell.ValueBefore) == Number(row[4]), $"{where} V before: {cell.ValueBefore:F4}");
            Assert.True(cell.PositionAfter == Int(row[5]), where + " x after");
            Assert.True(Math.Abs(cell.MuAfter - Number(row[6])) < 1e-9, where + " mu after");
            Assert.True(Cents(cell.ValueAfter) == Number(row[7]), $"{where} V after: {cell.ValueAfter:F4}");
            Assert.True(Cents(cell.ValueAfter - cell.ValueBefore) == Number(row[8]), $"{where} change: {cell.ValueAfter - cell.ValueBefore:F4}");
        }

        // The rows the doc leaves out are worth nothing before or after.
        var listed = rows.Select(r => (r[0], r[1])).ToHashSet();
        Assert.All(cells.Values.Where(c => !listed.Contains((c.Node, c.Sku))), c =>
            Assert.True(c.PositionBefore == 0 && c.PositionAfter == 0 && c.ValueBefore == 0 && c.ValueAfter == 0, $"{c.Node} {c.Sku} is not listed but has value"));
    }

    [Fact]
    public void ValuesProse_TheExpectedFullPriceSalesOfS1Run7_AreRecomputed()
    {
        var cell = Check.Cells(Moves).Single(c => c.Node == "S1" && c.Sku == "RUN-7");
        var expectedFullPriceSales = (cell.ValueBefore - (6 * 1000 * 0.5)) / (0.5 * 1000);
        Assert.Contains($"`E[min(D, 6)]` = {expectedFullPriceSales.ToString("0.0000", CultureInfo.InvariantCulture)} units", Doc, StringComparison.Ordinal);
    }

    [Fact]
    public void FreightTable_EveryRoute_MatchesTheRecomputedPrices()
    {
        var routes = Check.Routes(Moves).ToDictionary(r => $"{r.From} → {r.To}");
        var rows = Table("| route | priced by |");
        Assert.Equal(routes.Keys.Order(), rows.Select(r => r[0]).Order());
        foreach (var row in rows)
        {
            var route = routes[row[0]];
            Assert.Equal(route.Units, Int(row[2]));
            Assert.Equal(route.Km is { } km ? Math.Round(km, 4).ToString("0.0000", CultureInfo.InvariantCulture) : string.Empty, row[3]);
            Assert.Equal(Math.Round(route.PerUnit, 4), Number(row[4]));
            Assert.Equal(Cents(route.PerShipment), Number(row[5]));
            Assert.Equal(Cents(route.Freight), Number(row[6]));
        }
    }

    [Fact]
    public void TotalsTable_MatchesTheRecomputationAndTheFixturesSummary()
    {
        var totals = Table("| total | value |").ToDictionary(r => r[0], r => Number(r[1]));
        var (gain, freight) = Check.Recompute(Moves);
        Assert.Equal(Cents(gain), totals["value gain"]);
        Assert.Equal(Cents(freight), totals["freight"]);
        Assert.Equal(Cents(gain - freight), totals["net benefit"]);
        Assert.Contains($"**{totals["net benefit"].ToString("0.00", CultureInfo.InvariantCulture)}**", Doc, StringComparison.Ordinal);

        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestFiles.WorkedExample, "plan", "summary.json")));
        Assert.Equal(totals["value gain"], summary.RootElement.GetProperty("gp_uplift").GetDouble());
        Assert.Equal(totals["freight"], summary.RootElement.GetProperty("freight_cost").GetDouble());
        Assert.Equal(totals["net benefit"], summary.RootElement.GetProperty("net_benefit").GetDouble());
    }

    [Fact]
    public void PlanAndMoveTables_AreTheFixturesMovesAndAddUpToTheTotals()
    {
        var plan = Table("| move | pass | from |");
        Assert.Equal(
            Moves.Select(m => string.Join('|', m["move_id"], m["pass"], m["from_node"], m["to_node"], m["sku"], m["quantity"])),
            plan.Select(r => string.Join('|', r)));

        var shares = Table("| move | gp_uplift |");
        Assert.Equal(
            Moves.Select(m => string.Join('|', m["move_id"], m["gp_uplift"], m["freight_cost"], m["net_benefit"])),
            shares.Select(r => string.Join('|', r)));

        var totals = Table("| total | value |").ToDictionary(r => r[0], r => decimal.Parse(r[1], CultureInfo.InvariantCulture));
        Assert.Equal(totals["value gain"], shares.Sum(r => decimal.Parse(r[1], CultureInfo.InvariantCulture)));
        Assert.Equal(totals["freight"], shares.Sum(r => decimal.Parse(r[2], CultureInfo.InvariantCulture)));
        Assert.Equal(totals["net benefit"], shares.Sum(r => decimal.Parse(r[3], CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void EnginePlanTable_IsWhatTheEnginePlansForTheFixture()
    {
        var snapshot = Path.Combine(TestFiles.WorkedExample, "snapshot");
        Assert.Equal(0, PlanCommand.Run(snapshot, null, outDirectory, quiet: true, TextWriter.Null, TextWriter.Null));
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDirectory, "summary.json")));
        var root = summary.RootElement;
        var engine = Table("| engine plan | value |").ToDictionary(r => r[0], r => Number(r[1]));

        Assert.Equal(root.GetProperty("moves").GetProperty("total").GetInt32(), engine["moves"]);
        Assert.Equal(root.GetProperty("units_moved").GetInt32(), engine["units moved"]);
        Assert.Equal(root.GetProperty("gp_uplift").GetDouble(), engine["value gain"]);
        Assert.Equal(root.GetProperty("freight_cost").GetDouble(), engine["freight"]);
        Assert.Equal(root.GetProperty("net_benefit").GetDouble(), engine["net benefit"]);

        var (gain, freight) = Check.Recompute(Csv.Parse(File.ReadAllText(Path.Combine(outDirectory, "moves.csv"))));
        Assert.Equal(engine["net benefit"], gain - freight, 0.0101);
    }

    public void Dispose()
    {
        if (Directory.Exists(outDirectory))
        {
            Directory.Delete(outDirectory, recursive: true);
        }
    }

    /// <summary>The body rows of the doc's table whose header row starts with <paramref name="header"/>, cells trimmed.</summary>
    private static List<string[]> Table(string header)
    {
        var lines = Doc.Split('\n');
        var start = Array.FindIndex(lines, l => l.StartsWith(header, StringComparison.Ordinal));
        Assert.True(start >= 0, "docs/worked-example.md has no table starting " + header);
        return lines.Skip(start + 2)
            .TakeWhile(l => l.StartsWith('|'))
            .Select(l => l.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray())
            .ToList();
    }

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    private static int Int(string text) => int.Parse(text, CultureInfo.InvariantCulture);

    private static double Cents(double value) => Math.Round(value, 2, MidpointRounding.AwayFromZero);
}
