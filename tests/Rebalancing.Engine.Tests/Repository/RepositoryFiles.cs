using System.Diagnostics;
using Rebalancing.Engine.Tests.Support;

namespace Rebalancing.Engine.Tests.Repository;

/// <summary>
/// The files a commit of this working tree holds: tracked files plus new files git does not ignore
/// (<c>git ls-files --cached --others --exclude-standard</c>), as paths relative to the root with <c>/</c>.
/// Without git (an exported tree), every file outside the folders .gitignore names.
/// </summary>
internal static class RepositoryFiles
{
    private static readonly Lazy<IReadOnlyList<string>> Listed = new(List);

    public static string Root { get; } = TestFiles.RepositoryRoot();

    public static IReadOnlyList<string> All => Listed.Value;

    public static IEnumerable<string> WithExtension(string extension) =>
        All.Where(p => p.EndsWith(extension, StringComparison.OrdinalIgnoreCase));

    public static string FullPath(string relativePath) => Path.Combine(Root, relativePath.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>A file's text, or null for a binary file (a NUL byte in it).</summary>
    public static string? ReadText(string relativePath)
    {
        var text = File.ReadAllText(FullPath(relativePath));
        return text.Contains('\0', StringComparison.Ordinal) ? null : text;
    }

    /// <summary>Whether a full path is the root or lies below it.</summary>
    public static bool IsInside(string fullPath)
    {
        var root = Path.TrimEndingDirectorySeparator(Root);
        var path = Path.TrimEndingDirectorySeparator(fullPath);
        return path == root || path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    private static List<string> List()
    {
        var fromGit = GitListing();
        var files = fromGit ?? WalkListing();
        return files.Where(p => File.Exists(FullPath(p))).Order(StringComparer.Ordinal).ToList();
    }

    private static List<string>? GitListing()
    {
        try
        {
            var start = new ProcessStartInfo("git")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[] { "-C", Root, "ls-files", "-z", "--cached", "--others", "--exclude-standard" })
            {
                start.ArgumentList.Add(argument);
            }

            using var git = Process.Start(start)!;
            var output = git.StandardOutput.ReadToEnd();
            git.StandardError.ReadToEnd();
            git.WaitForExit();
            return git.ExitCode == 0 ? output.Split('\0', StringSplitOptions.RemoveEmptyEntries).Distinct().ToList() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static List<string> WalkListing()
    {
        var ignoredFolders = new HashSet<string>(StringComparer.Ordinal) { ".git" };
        var gitignore = Path.Combine(Root, ".gitignore");
        if (File.Exists(gitignore))
        {
            foreach (var line in File.ReadAllLines(gitignore).Select(l => l.Trim()).Where(l => l.EndsWith('/') && !l.StartsWith('#')))
            {
                ignoredFolders.Add(line.TrimEnd('/'));
            }
        }

        var files = new List<string>();
        var pending = new Stack<string>([Root]);
        while (pending.Count > 0)
        {
            var folder = pending.Pop();
            files.AddRange(Directory.EnumerateFiles(folder).Select(f => Path.GetRelativePath(Root, f).Replace(Path.DirectorySeparatorChar, '/')));
            foreach (var child in Directory.EnumerateDirectories(folder).Where(d => !ignoredFolders.Contains(Path.GetFileName(d))))
            {
                pending.Push(child);
            }
        }

        return files;
    }
}
