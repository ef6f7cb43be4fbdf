using System.Text.RegularExpressions;
using Rebalancing.Engine.Policies;

namespace Rebalancing.Engine.Tests.Policies;

/// <summary>docs/policy.md stays in step with the code.</summary>
public partial class PolicyDocumentationTests
{
    private static readonly Lazy<string> Documentation = new(() =>
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Rebalancing.sln")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        return File.ReadAllText(Path.Combine(directory.FullName, "docs", "policy.md"));
    });

    [Fact]
    public void Documentation_KeyTable_ListsEveryKeyWithItsDefault()
    {
        var rows = KeyRow().Matches(Documentation.Value)
            .ToDictionary(m => m.Groups["key"].Value, m => m.Groups["default"].Value, StringComparer.Ordinal);

        foreach (var key in PolicyKeys.All)
        {
            Assert.True(rows.TryGetValue(key.Path, out var documented), $"docs/policy.md has no row for {key.Path}");
            Assert.Equal(key.Get(PolicySettings.Default).ToString(), documented);
        }

        Assert.Equal(PolicyKeys.All.Length + 1, rows.Count); // and overrides
    }

    [Fact]
    public void Documentation_CanonicalFormOfEmptyPolicy_IsCurrent()
    {
        Assert.Contains(Policy.Default.ToCanonicalJson() + "\n", Documentation.Value, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\n  \"horizon_weeks\": 8,\n  oops\n}")]
    [InlineData("""{"horizon_week": 1}""")]
    [InlineData("""{"pass2": {"min_push_units": 1}}""")]
    [InlineData("""{"pass1": {"min_push_units": 2.5}}""")]
    [InlineData("""{"markdown_rate": 1.5}""")]
    [InlineData("""{"overrides": [{"match": {"clustr": "north"}, "set": {}}]}""")]
    [InlineData("""{"pass1": {"max_push_units": 10}, "overrides": [{"match": {}, "set": {}}, {"match": {}, "set": {"pass1": {"min_push_units": 11}}}]}""")]
    [InlineData("""{"overrides": [{"match": {}, "set": {"overrides": []}}]}""")]
    public void Documentation_ExampleMessages_AreWhatTheReaderSays(string json)
    {
        var problem = Assert.Single(PolicyReader.Read(json).Problems);

        Assert.True(Documentation.Value.Contains(problem.ToString() + "\n", StringComparison.Ordinal), problem.ToString());
    }

    [GeneratedRegex(@"^\| `(?<key>[a-z0-9_.]+)` \| [^|]+ \| (?<default>[^|]+?) \|", RegexOptions.Multiline)]
    private static partial Regex KeyRow();
}
