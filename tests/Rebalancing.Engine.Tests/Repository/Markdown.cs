using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Rebalancing.Engine.Tests.Repository;

/// <summary>A markdown link: the 1-based line it is on and its target as written.</summary>
internal readonly record struct MarkdownLink(int Line, string Target);

/// <summary>
/// Reads markdown the way GitHub renders it, as far as links and heading anchors go: fenced and indented code
/// blocks and code spans hold no links; a heading's anchor is its GitHub slug, with <c>-1</c>, <c>-2</c> for repeats.
/// </summary>
internal static partial class Markdown
{
    /// <summary>Inline links and images (<c>[text](target "title")</c>) and reference definitions (<c>[x]: target</c>).</summary>
    public static IReadOnlyList<MarkdownLink> Links(string markdown)
    {
        var links = new List<MarkdownLink>();
        foreach (var (number, line) in ProseLines(markdown))
        {
            var prose = CodeSpan().Replace(line, string.Empty);
            foreach (Match link in InlineLink().Matches(prose))
            {
                links.Add(new MarkdownLink(number, link.Groups["target"].Value.Trim('<', '>')));
            }

            var definition = ReferenceDefinition().Match(prose);
            if (definition.Success)
            {
                links.Add(new MarkdownLink(number, definition.Groups["target"].Value.Trim('<', '>')));
            }
        }

        return links;
    }

    /// <summary>The anchors a link may name with <c>#</c>: every heading's slug, and <c>&lt;a name|id="..."&gt;</c>.</summary>
    public static IReadOnlySet<string> Anchors(string markdown)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        string? previous = null;
        foreach (var (_, line) in ProseLines(markdown))
        {
            string? heading = null;
            var atx = AtxHeading().Match(line);
            if (atx.Success)
            {
                heading = atx.Groups["text"].Value;
            }
            else if (previous is not null && SetextUnderline().IsMatch(line) && !IsBlockStart(previous))
            {
                heading = previous.Trim();
            }

            if (heading is not null)
            {
                var slug = Slug(heading);
                var count = seen.GetValueOrDefault(slug);
                seen[slug] = count + 1;
                anchors.Add(count == 0 ? slug : slug + "-" + count.ToString(CultureInfo.InvariantCulture));
            }

            foreach (Match html in HtmlAnchor().Matches(line))
            {
                anchors.Add(html.Groups["name"].Value);
            }

            previous = heading is null && line.Trim().Length > 0 ? line : null;
        }

        return anchors;
    }

    /// <summary>
    /// GitHub's slug of a heading: its text (links reduced to their text, HTML tags dropped), lower case, with every
    /// character that is not a letter, digit, mark, <c>-</c>, <c>_</c> or space removed, and spaces turned to <c>-</c>.
    /// </summary>
    public static string Slug(string heading)
    {
        var text = HtmlTag().Replace(InlineLink().Replace(heading, "${text}"), string.Empty).Trim();
        var slug = new StringBuilder(text.Length);
        foreach (var c in text.ToLowerInvariant())
        {
            if (c == ' ')
            {
                slug.Append('-');
            }
            else if (c is '-' or '_' || char.IsLetterOrDigit(c) || char.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark)
            {
                slug.Append(c);
            }
        }

        return slug.ToString();
    }

    /// <summary>The lines outside fenced and indented code blocks, with their 1-based numbers.</summary>
    public static IEnumerable<(int Number, string Line)> ProseLines(string markdown)
    {
        var lines = markdown.ReplaceLineEndings("\n").Split('\n');
        string? fence = null;
        var previousBlank = true;
        var inCodeBlock = false;
        var inList = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var opening = Fence().Match(line);
            if (fence is not null)
            {
                if (opening.Success && opening.Groups["fence"].Value.StartsWith(fence, StringComparison.Ordinal) && line.Trim().Trim(fence[0]).Length == 0)
                {
                    fence = null;
                }

                continue;
            }

            if (opening.Success)
            {
                fence = opening.Groups["fence"].Value;
                continue;
            }

            var blank = line.Trim().Length == 0;
            var indented = line.StartsWith("    ", StringComparison.Ordinal) || line.StartsWith('\t');
            if (!blank && !indented)
            {
                inList = ListItem().IsMatch(line) || (inList && !previousBlank);
            }

            inCodeBlock = indented && !inList && (previousBlank || inCodeBlock);
            previousBlank = blank;
            if (!inCodeBlock)
            {
                yield return (i + 1, line);
            }
        }
    }

    private static bool IsBlockStart(string line) =>
        AtxHeading().IsMatch(line) || ListItem().IsMatch(line) || line.TrimStart().StartsWith('|') || line.TrimStart().StartsWith('>');

    [GeneratedRegex(@"^ {0,3}(?<fence>`{3,}|~{3,})")]
    private static partial Regex Fence();

    [GeneratedRegex(@"(`+).+?\1")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"!?\[(?<text>(?:[^\[\]]|\[[^\[\]]*\])*)\]\((?<target><[^>]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?:\s+(?:""[^""]*""|'[^']*'|\([^)]*\)))?\s*\)")]
    private static partial Regex InlineLink();

    [GeneratedRegex(@"^ {0,3}\[[^\]]+\]:\s*(?<target><[^>]*>|\S+)")]
    private static partial Regex ReferenceDefinition();

    [GeneratedRegex(@"^ {0,3}#{1,6}(?:[ \t]+(?<text>.*?))?(?:[ \t]+#+)?[ \t]*$")]
    private static partial Regex AtxHeading();

    [GeneratedRegex(@"^ {0,3}(?:=+|-+)[ \t]*$")]
    private static partial Regex SetextUnderline();

    [GeneratedRegex(@"^ {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")]
    private static partial Regex ListItem();

    [GeneratedRegex(@"<a\s[^>]*?(?:name|id)\s*=\s*[""'](?<name>[^""']+)[""']", RegexOptions.IgnoreCase)]
    private static partial Regex HtmlAnchor();

    [GeneratedRegex(@"<[^>]+>")]
    private static partial Regex HtmlTag();
}
