using System.Text.RegularExpressions;

namespace Rebalancing.Engine.Tests.Repository;

/// <summary>
/// Finds the places where a file refers to a path outside the repository:
/// <list type="bullet">
/// <item>a relative path with <c>..</c> segments that climbs above the root, resolved from the file's folder (a project
/// reference, a script's <c>$(dirname "$0")/..</c>); in markdown text outside link targets also from the root, where
/// the docs' commands run (link targets are the link checker's); in a line that first <c>cd</c>s to an absolute
/// folder the path is that folder's business, not the repository's;</item>
/// <item>in C#, a <c>".."</c> (or <c>"../…"</c>) handed to <c>Path</c>, <c>File</c>, <c>Directory</c>,
/// <c>FileInfo</c> or <c>DirectoryInfo</c>: code finds files from the repository root or its output folder, never by
/// climbing from an unseen base;</item>
/// <item>an absolute path into a machine's home or work folders (top-level <c>work</c>, <c>home</c>, <c>Users</c>,
/// <c>root</c> or <c>mnt</c>, a Windows user folder) or into this checkout.</item>
/// </list>
/// </summary>
internal static partial class PathReferences
{
    /// <returns>One <c>FILE:LINE: message</c> per reference.</returns>
    public static IEnumerable<string> Problems(string relativePath, string text, string repositoryRoot)
    {
        var folder = relativePath.Contains('/', StringComparison.Ordinal) ? relativePath[..relativePath.LastIndexOf('/')] : string.Empty;
        var isMarkdown = relativePath.EndsWith(".md", StringComparison.OrdinalIgnoreCase);
        var isCSharp = relativePath.EndsWith(".cs", StringComparison.OrdinalIgnoreCase);
        var root = Path.TrimEndingDirectorySeparator(repositoryRoot);
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var where = $"{relativePath}:{i + 1}:";
            var scanned = isMarkdown ? LinkTarget().Replace(line, "]()") : line;
            foreach (Match token in RelativePath().Matches(scanned))
            {
                var path = token.Value;
                var fromRootToo = isMarkdown && !ChangesToAbsoluteFolder().IsMatch(scanned[..token.Index]);
                if (MarkdownLinkChecker.Resolve(folder, path) is null)
                {
                    yield return $"{where} {path} climbs above the repository root (from {(folder.Length == 0 ? "the root" : folder + "/")})";
                }
                else if (fromRootToo && MarkdownLinkChecker.Resolve(string.Empty, path) is null)
                {
                    yield return $"{where} {path} climbs above the repository root (the docs' commands run from the root)";
                }
            }

            if (isCSharp && ClimbingFileApiCall().IsMatch(line))
            {
                yield return $"{where} a \"..\" handed to a file API climbs from a base nobody sees; start from the repository root or the output folder";
            }

            foreach (Match absolute in MachinePath().Matches(line))
            {
                yield return $"{where} {absolute.Value} is an absolute path on one machine";
            }

            if (root.Length > 1 && line.Contains(root, StringComparison.Ordinal))
            {
                yield return $"{where} names this checkout's absolute path {root}";
            }
        }
    }

    // "..", optionally after folder names, followed by a separator, a quote, a parenthesis or the end of the line, not
    // part of "..." or of a name; then any further path segments.
    [GeneratedRegex(@"(?<![\w.~%$\-])(?:[\w\-]+[\\/])*\.\.(?=[\\/""')]|$)(?:[\\/]+[\w\-.]+)*[\\/]?")]
    private static partial Regex RelativePath();

    [GeneratedRegex(@"\]\((?:<[^>]*>|[^\s()]*)(?:\s+""[^""]*"")?\)")]
    private static partial Regex LinkTarget();

    [GeneratedRegex(@"\bcd\s+[""']?(?:/|~|[A-Za-z]:\\)")]
    private static partial Regex ChangesToAbsoluteFolder();

    [GeneratedRegex(@"\b(?:Path\.(?:Combine|Join|GetFullPath)|File\.\w+|Directory\.\w+|new\s+(?:FileInfo|DirectoryInfo))\s*\([^;]*@?""\.\.(?:[\\/][^""]*)?""")]
    private static partial Regex ClimbingFileApiCall();

    [GeneratedRegex(@"(?<![\w.\-/:~%$])(?:/(?:work|home|Users|root|mnt)/[^\s""'`)<>\]]*|[A-Za-z]:\\Users\\[^\s""'`)<>\]]*)")]
    private static partial Regex MachinePath();
}
