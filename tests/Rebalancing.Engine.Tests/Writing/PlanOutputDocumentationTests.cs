using System.Text.Json;
using System.Text.RegularExpressions;
using Rebalancing.Cli.Commands;
using Rebalancing.Engine.Tests.Support;

namespace Rebalancing.Engine.Tests.Writing;

/// <summary>docs/plan-output.md describes the files the engine writes: their columns, keys and its summary example.</summary>
public sealed partial class PlanOutputDocumentationTests : IDisposable
{
    private static readonly string Doc = File.ReadAllText(Path.Combine(TestFiles.RepositoryRoot(), "docs", "plan-output.md")).ReplaceLineEndings("\n");
    private readonly string outDirectory = Path.Combine(Path.GetTempPath(), "rebalancing-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public void MovesAndBlockedSections_NameEveryColumnTheEngineWrites()
    {
        Plan();
        var movesColumns = File.ReadLines(Path.Combine(outDirectory, "moves.csv")).First().Split(',');
        var documented = Section("### moves.csv")
            .Where(l => l.StartsWith("| `", StringComparison.Ordinal))
            .SelectMany(l => CodeSpan().Matches(l.Split('|')[1]).Select(m => m.Groups[1].Value))
            .ToList();
        Assert.Equal(movesColumns, documented);

        var blockedColumns = File.ReadLines(Path.Combine(outDirectory, "blocked.csv")).First();
        Assert.Contains($"`{blockedColumns.Replace(",", ", ", StringComparison.Ordinal)}`", string.Join('\n', Section("### blocked.csv")), StringComparison.Ordinal);
    }

    [Fact]
    public void SummaryExample_IsWhatTheEngineWritesForTheWorkedExample()
    {
        Plan();
        using var written = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDirectory, "summary.json")));
        var section = string.Join('\n', Section("### summary.json"));
        var example = section[(section.IndexOf("```json\n", StringComparison.Ordinal) + 8)..section.LastIndexOf("```", StringComparison.Ordinal)];
        using var documented = JsonDocument.Parse(example);

        Assert.Equal(Keys(written.RootElement), Keys(documented.RootElement));
        foreach (var property in written.RootElement.EnumerateObject().Where(p => p.Name != "elapsed_ms"))
        {
            Assert.True(
                JsonElement.DeepEquals(property.Value, documented.RootElement.GetProperty(property.Name)),
                $"summary.json's {property.Name} is {property.Value.GetRawText()}; docs/plan-output.md shows {documented.RootElement.GetProperty(property.Name).GetRawText()}");
        }

        var keysTable = Section("### summary.json")
            .Where(l => l.StartsWith("| `", StringComparison.Ordinal))
            .SelectMany(l => CodeSpan().Matches(l.Split('|')[1]).Select(m => m.Groups[1].Value))
            .ToList();
        Assert.Equal(Keys(written.RootElement), keysTable.Order(StringComparer.Ordinal));
    }

    public void Dispose()
    {
        if (Directory.Exists(outDirectory))
        {
            Directory.Delete(outDirectory, recursive: true);
        }
    }

    private void Plan() =>
        Assert.Equal(0, PlanCommand.Run(Path.Combine(TestFiles.WorkedExample, "snapshot"), null, outDirectory, quiet: true, TextWriter.Null, TextWriter.Null));

    private static List<string> Keys(JsonElement element) => element.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToList();

    /// <summary>The lines of the doc from the heading to the next heading of the same or a higher level.</summary>
    private static List<string> Section(string heading)
    {
        var lines = Doc.Split('\n');
        var start = Array.IndexOf(lines, heading);
        Assert.True(start >= 0, "docs/plan-output.md has no heading " + heading);
        return lines.Skip(start + 1).TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal) && !l.StartsWith("### ", StringComparison.Ordinal)).ToList();
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex CodeSpan();
}
