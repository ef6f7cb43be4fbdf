using Rebalancing.Engine.Input;
using Rebalancing.Engine.Model;
using Rebalancing.Engine.Policies;

namespace Rebalancing.Cli.Io;

/// <summary>Loads the snapshot and the policy of a command, printing every problem to standard error.</summary>
internal static class InputLoader
{
    /// <summary>Both inputs, or null when either is invalid (all problems of both printed).</summary>
    public static (Snapshot Snapshot, Policy Policy)? Load(string snapshotPath, string? policyPath, TextWriter errors, Progress progress)
    {
        var snapshot = LoadSnapshot(snapshotPath, errors, progress);
        var policy = LoadPolicy(policyPath, errors);
        return snapshot is null || policy is null ? null : (snapshot, policy);
    }

    private static Snapshot? LoadSnapshot(string path, TextWriter errors, Progress progress)
    {
        SnapshotLoadResult result;
        using (progress.Step("load snapshot", "load"))
        {
            if (Directory.Exists(path))
            {
                result = SnapshotLoader.Load(new DirectorySnapshotSource(path));
            }
            else if (File.Exists(path))
            {
                try
                {
                    using var zip = new ZipSnapshotSource(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read));
                    result = SnapshotLoader.Load(zip);
                }
                catch (InvalidDataException ex)
                {
                    errors.WriteLine($"{Path.GetFileName(path)}: not a zip archive or a snapshot folder ({ex.Message})");
                    return null;
                }
            }
            else
            {
                errors.WriteLine($"{path}: no such snapshot folder or zip");
                return null;
            }
        }

        foreach (var problem in result.Problems)
        {
            errors.WriteLine(problem.ToString());
        }

        return result.Snapshot;
    }

    private static Policy? LoadPolicy(string? path, TextWriter errors)
    {
        if (path is null)
        {
            return Policy.Default;
        }

        if (!File.Exists(path))
        {
            errors.WriteLine($"policy: (root): file '{path}' does not exist");
            return null;
        }

        var result = PolicyReader.Read(File.ReadAllText(path));
        foreach (var problem in result.Problems)
        {
            errors.WriteLine(problem.ToString());
        }

        return result.Policy;
    }
}
