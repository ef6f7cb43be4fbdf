using System.Text;
using Rebalancing.Engine.Reasons;
using Rebalancing.Engine.Tests.Support;

namespace Rebalancing.Engine.Tests.Plans;

/// <summary>docs/reason-codes.md is the catalogue rendered: the code's list and the doc never drift apart.</summary>
public class ReasonCatalogueDocumentationTests
{
    [Fact]
    public void ReasonCodesDoc_ContainsTheCatalogueTableExactly()
    {
        var doc = File.ReadAllText(Path.Combine(TestFiles.RepositoryRoot(), "docs", "reason-codes.md")).ReplaceLineEndings("\n");
        var expected = Render();
        Assert.True(doc.Contains(expected, StringComparison.Ordinal), "docs/reason-codes.md must contain this table (regenerate it):\n" + expected);
    }

    [Fact]
    public void Catalogue_HasEveryCodeOnceAndTheRequiredNames()
    {
        Assert.Equal(Enum.GetValues<ReasonCode>().Order(), ReasonCatalogue.Entries.Select(e => e.Code).Order());
        string[] requiredNames =
        [
            "NO_DEMAND", "NO_SURPLUS", "BALANCED", "BELOW_MIN_QUANTITY", "SIZE_RUN_NOT_VIABLE_AT_DESTINATION",
            "BREAKS_SOURCE_SIZE_RUN", "FREIGHT_EXCEEDS_UPLIFT", "INTER_CLUSTER_UPLIFT_TOO_LOW", "CAPACITY_FULL",
            "COOLDOWN_ACTIVE", "CHANGE_CAP_REACHED", "LIFECYCLE_BLOCKED", "NODE_DISABLED", "ROUTE_CAP_REACHED",
            "FRAGMENT_LEFT_IN_PLACE",
        ];
        Assert.Subset(ReasonCatalogue.Entries.Select(e => e.Name).ToHashSet(), requiredNames.ToHashSet());
    }

    private static string Render()
    {
        var table = new StringBuilder();
        table.Append("| order | code | pass | meaning | what a planner can change |\n");
        table.Append("|---|---|---|---|---|\n");
        var order = 1;
        foreach (var entry in ReasonCatalogue.Entries)
        {
            table.Append($"| {order++} | `{entry.Name}` | {entry.Pass} | {entry.Meaning} | {entry.Unblock} |\n");
        }

        return table.ToString();
    }
}
