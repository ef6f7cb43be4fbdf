namespace Rebalancing.Infra.Tests.Support;

/// <summary>Paths in the repository the tests read (found from the test assembly's folder upwards).</summary>
internal static class Repository
{
    /// <summary>The folder that holds Rebalancing.sln.</summary>
    public static string Root { get; } = FindRoot();

    public static string Infra => Path.Combine(Root, "infra");

    public static string LocalSettingsSample => Path.Combine(Root, "local.settings.sample.json");

    /// <summary>Every .bicep file under infra/, as paths relative to infra/ with '/' separators, sorted.</summary>
    public static IReadOnlyList<string> BicepFiles() =>
        Directory.EnumerateFiles(Infra, "*.bicep", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(Infra, path).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Rebalancing.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Rebalancing.sln above {AppContext.BaseDirectory}.");
    }
}
