using System.Text.RegularExpressions;

namespace Rebalancing.Engine.Tests.Repository;

/// <summary>
/// Checks the relative links of one markdown file: each resolves to a file or folder inside the repository that a
/// commit holds, and a <c>#anchor</c> into a markdown file names one of its headings. Links with a scheme
/// (<c>https:</c>, <c>mailto:</c>) are not followed.
/// </summary>
internal static partial class MarkdownLinkChecker
{
    /// <param name="relativePath">The markdown file, relative to the root, with <c>/</c>.</param>
    /// <param name="markdown">Its text.</param>
    /// <param name="exists">Whether a path relative to the root (a file or a folder, <c>""</c> is the root) exists.</param>
    /// <param name="read">The text of a markdown file relative to the root.</param>
    /// <returns>One <c>FILE:LINE: message</c> per broken link.</returns>
    public static IEnumerable<string> Problems(string relativePath, string markdown, Func<string, bool> exists, Func<string, string> read)
    {
        var folder = relativePath.Contains('/', StringComparison.Ordinal) ? relativePath[..relativePath.LastIndexOf('/')] : string.Empty;
        foreach (var link in Markdown.Links(markdown))
        {
            var target = link.Target;
            if (Scheme().IsMatch(target) || target.StartsWith("//", StringComparison.Ordinal))
            {
                continue;
            }

            var where = $"{relativePath}:{link.Line}: ({target})";
            if (target.Length == 0)
            {
                yield return $"{where} the link has no target";
                continue;
            }

            var hash = target.IndexOf('#', StringComparison.Ordinal);
            var path = hash < 0 ? target : target[..hash];
            var anchor = hash < 0 ? null : Uri.UnescapeDataString(target[(hash + 1)..]);
            var query = path.IndexOf('?', StringComparison.Ordinal);
            path = Uri.UnescapeDataString(query < 0 ? path : path[..query]);

            string? resolved = path.Length == 0
                ? relativePath
                : Resolve(path.StartsWith('/') ? string.Empty : folder, path.TrimStart('/'));
            if (resolved is null)
            {
                yield return $"{where} points above the repository root";
            }
            else if (!exists(resolved))
            {
                yield return $"{where} no such file or folder in the repository: {(resolved.Length == 0 ? "." : resolved)}";
            }
            else if (anchor is { Length: > 0 } && resolved.EndsWith(".md", StringComparison.OrdinalIgnoreCase)
                && !Markdown.Anchors(read(resolved)).Contains(anchor))
            {
                yield return $"{where} {resolved} has no heading with the anchor #{anchor}";
            }
        }
    }

    /// <summary>A relative path joined to a folder (both relative to the root), or null when it climbs above the root.</summary>
    public static string? Resolve(string folder, string path)
    {
        var parts = new List<string>(folder.Split('/', StringSplitOptions.RemoveEmptyEntries));
        foreach (var part in path.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "..")
            {
                if (parts.Count == 0)
                {
                    return null;
                }

                parts.RemoveAt(parts.Count - 1);
            }
            else if (part != ".")
            {
                parts.Add(part);
            }
        }

        return string.Join('/', parts);
    }

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9+.\-]*:")]
    private static partial Regex Scheme();
}
