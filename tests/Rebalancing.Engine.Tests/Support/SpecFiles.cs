namespace Rebalancing.Engine.Tests.Support;

/// <summary>Locates the normative spec folder (../shared/spec beside the repository).</summary>
public static class SpecFiles
{
    public static string WorkedExample => Path.Combine(RepositoryRoot(), "..", "shared", "spec", "worked-example");

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
