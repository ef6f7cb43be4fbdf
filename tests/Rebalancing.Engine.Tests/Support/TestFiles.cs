namespace Rebalancing.Engine.Tests.Support;

/// <summary>Locates the test fixtures (copied to the output folder) and the repository root.</summary>
public static class TestFiles
{
    /// <summary>
    /// The worked example: a four-node snapshot, its policy and a hand-made three-move plan
    /// (Fixtures/WorkedExample, explained in docs/worked-example.md).
    /// </summary>
    public static string WorkedExample => Path.Combine(AppContext.BaseDirectory, "Fixtures", "WorkedExample");

    /// <summary>The folder holding Rebalancing.sln, found by walking up from the test assembly.</summary>
    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Rebalancing.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Rebalancing.sln not found above " + AppContext.BaseDirectory);
    }
}
