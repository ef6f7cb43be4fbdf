using Rebalancing.Cli.Commands;
using Rebalancing.Engine.Tests.Support;

namespace Rebalancing.Engine.Tests.Cli;

public class ExplainCommandTests
{
    private static readonly string Snapshot = Path.Combine(TestFiles.WorkedExample, "snapshot");

    [Fact]
    public void Explain_WorkedExampleSku_ShowsEveryNodeTheMovesAndEachUntouchedRowsReason()
    {
        var output = new StringWriter();

        var exit = ExplainCommand.Run(Snapshot, null, "RUN-8", null, output, TextWriter.Null);

        Assert.Equal(0, exit);
        var text = output.ToString();
        foreach (var node in new[] { "S1", "S2", "S3", "W1" })
        {
            Assert.Contains(node, text, StringComparison.Ordinal);
        }

        Assert.Contains("W1 -> S1", text, StringComparison.Ordinal);
        Assert.Contains("untouched rows:", text, StringComparison.Ordinal);
        Assert.Matches(@"S3\s+pass \d\s+[A-Z_]+", text);
    }

    [Fact]
    public void Explain_OneNode_ShowsOnlyThatNode()
    {
        var output = new StringWriter();

        Assert.Equal(0, ExplainCommand.Run(Snapshot, null, "RUN-7", "S3", output, TextWriter.Null));

        Assert.DoesNotContain("\nS1 ", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("S3", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_UnknownSku_ExitsTwoWithAMessage()
    {
        var errors = new StringWriter();

        Assert.Equal(2, ExplainCommand.Run(Snapshot, null, "NOPE", null, TextWriter.Null, errors));

        Assert.Contains("NOPE", errors.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("RUN-8", null)]
    [InlineData("RUN-7", "S3")]
    public void Explain_FromThePlanFolder_PrintsWhatPlanningAgainPrints(string sku, string? node)
    {
        var folder = Directory.CreateTempSubdirectory("explain-").FullName;
        try
        {
            Assert.Equal(0, PlanCommand.Run(Snapshot, null, folder, quiet: true, TextWriter.Null, TextWriter.Null));
            var again = new StringWriter();
            var fromFolder = new StringWriter();

            Assert.Equal(0, ExplainCommand.Run(Snapshot, null, sku, node, again, TextWriter.Null));
            Assert.Equal(0, ExplainCommand.Run(Snapshot, null, sku, node, fromFolder, TextWriter.Null, folder));

            Assert.Equal(again.ToString(), fromFolder.ToString());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Explain_UnknownSkuFromThePlanFolder_ExitsTwoWithAMessage()
    {
        var folder = Directory.CreateTempSubdirectory("explain-").FullName;
        try
        {
            Assert.Equal(0, PlanCommand.Run(Snapshot, null, folder, quiet: true, TextWriter.Null, TextWriter.Null));
            var errors = new StringWriter();

            Assert.Equal(2, ExplainCommand.Run(Snapshot, null, "NOPE", null, TextWriter.Null, errors, folder));

            Assert.Contains("no SKU 'NOPE'", errors.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Explain_FromAPlanFolderOfAnotherPolicy_ExitsTwoAndSaysSo()
    {
        var folder = Directory.CreateTempSubdirectory("explain-").FullName;
        var policy = Path.Combine(folder, "policy.json");
        try
        {
            File.WriteAllText(policy, """{"pass2": {"min_transfer_units": 3}}""");
            Assert.Equal(0, PlanCommand.Run(Snapshot, policy, Path.Combine(folder, "plan"), quiet: true, TextWriter.Null, TextWriter.Null));
            var errors = new StringWriter();

            Assert.Equal(2, ExplainCommand.Run(Snapshot, null, "RUN-8", null, TextWriter.Null, errors, Path.Combine(folder, "plan")));

            Assert.Contains("input_hash", errors.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("moves.csv")]
    [InlineData("blocked.csv")]
    public void Explain_FromAPlanFolderMissingAFile_ExitsTwoAndNamesTheFolder(string missing)
    {
        var folder = Directory.CreateTempSubdirectory("explain-").FullName;
        try
        {
            Assert.Equal(0, PlanCommand.Run(Snapshot, null, folder, quiet: true, TextWriter.Null, TextWriter.Null));
            File.Delete(Path.Combine(folder, missing));
            var errors = new StringWriter();

            Assert.Equal(2, ExplainCommand.Run(Snapshot, null, "RUN-8", null, TextWriter.Null, errors, folder));

            Assert.Contains($"cannot read the plan in '{folder}'", errors.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
