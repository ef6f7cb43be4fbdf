namespace Rebalancing.Functions.Tests.Orchestration;

/// <summary>
/// The transition code stays replay-safe (the Durable analyzers' DURABLE0001-0010 discipline): no clock, no GUIDs, no
/// randomness, no I/O, no logging, no async in the files that make up the state machine.
/// </summary>
public sealed class OrchestrationRuleTests
{
    private static readonly string[] TransitionFiles = ["RebalanceOrchestration.cs", "RunState.cs", "RunEvents.cs", "RunCommands.cs"];

    private static readonly string[] Banned =
    [
        "DateTime.Now", "DateTime.UtcNow", "DateTimeOffset.Now", "DateTimeOffset.UtcNow", "TimeProvider", "GetUtcNow", "Stopwatch",
        "Guid.", "Random", "Environment.", "File.", "Directory.", "HttpClient", "ILogger", "Console.", "Task", "async ", "await ", "Thread",
    ];

    public static TheoryData<string> Files() => [.. TransitionFiles];

    [Theory]
    [MemberData(nameof(Files))]
    public void TransitionCode_UsesNoClockGuidRandomnessIoLoggingOrAsync(string file)
    {
        var text = File.ReadAllText(Path.Combine(RepoRoot(), "functions", "Rebalancing.Functions", "Orchestration", file));
        var code = string.Join('\n', text.Split('\n').Where(line => !line.TrimStart().StartsWith("//", StringComparison.Ordinal)));

        Assert.All(Banned, banned => Assert.DoesNotContain(banned, code, StringComparison.Ordinal));
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Rebalancing.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Rebalancing.sln not found above the test output");
    }
}
