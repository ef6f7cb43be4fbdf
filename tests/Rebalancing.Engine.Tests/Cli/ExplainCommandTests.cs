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
}
