using System.CommandLine;

namespace Rebalancing.Cli.Commands;

/// <summary>The command tree: plan, validate, explain, generate, demo.</summary>
internal static class CommandLine
{
    public static RootCommand Build()
    {
        var root = new RootCommand("Retail stock rebalancing engine: plans warehouse pushes, store transfers and consolidations, and explains every row it leaves.")
        {
            PlanCommand.Create(),
            ValidateCommand.Create(),
            ExplainCommand.Create(),
            GenerateCommand.Create(),
            DemoCommand.Create(),
            QualityCommand.Create(),
        };
        return root;
    }
}
