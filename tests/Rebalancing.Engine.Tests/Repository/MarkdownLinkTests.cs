namespace Rebalancing.Engine.Tests.Repository;

/// <summary>Every relative link of every markdown file resolves on a fresh clone: to a file inside it, to a heading.</summary>
public class MarkdownLinkTests
{
    private static readonly HashSet<string> Sample = ["README.md", "docs/a.md", "docs/b.md", "tests/run.sh"];

    [Fact]
    public void EveryMarkdownFile_EveryRelativeLink_ResolvesToAFileOrHeadingInsideTheRepository()
    {
        var files = RepositoryFiles.All.ToHashSet(StringComparer.Ordinal);
        var folders = files.SelectMany(Folders).ToHashSet(StringComparer.Ordinal);
        var markdown = RepositoryFiles.WithExtension(".md").ToList();
        Assert.Contains("README.md", markdown);

        var problems = markdown
            .SelectMany(md => MarkdownLinkChecker.Problems(
                md,
                File.ReadAllText(RepositoryFiles.FullPath(md)),
                path => path.Length == 0 || files.Contains(path) || folders.Contains(path),
                path => File.ReadAllText(RepositoryFiles.FullPath(path))))
            .ToList();

        Assert.True(problems.Count == 0, "broken links:\n" + string.Join('\n', problems));
    }

    [Theory]
    [InlineData("[b](b.md)")]
    [InlineData("[b](./b.md#the-b-file)")]
    [InlineData("[readme](../README.md)")]
    [InlineData("[root](/README.md)")]
    [InlineData("[folder](../docs/)")]
    [InlineData("[self](#a-heading-with-code-and-a-link)")]
    [InlineData("[twice](#twice-1)")]
    [InlineData("[web](https://example.com/x.md) and <https://example.com> and [mail](mailto:a@example.com)")]
    [InlineData("`[in code](missing.md)`")]
    [InlineData("```\n[in a fence](missing.md)\n```")]
    [InlineData("para\n\n    [indented code](missing.md)")]
    [InlineData("[ref]: b.md")]
    public void Problems_GoodOrIgnoredLinks_None(string body) =>
        Assert.Empty(Check("# A heading with `code` and a [link](b.md)\n\n## Twice\n\n## Twice\n\n" + body));

    [Theory]
    [InlineData("[missing](c.md)", "no such file or folder in the repository: docs/c.md")]
    [InlineData("[anchor](b.md#no-such-heading)", "docs/b.md has no heading with the anchor #no-such-heading")]
    [InlineData("[own anchor](#nope)", "docs/a.md has no heading with the anchor #nope")]
    [InlineData("[up](../../outside.md)", "points above the repository root")]
    [InlineData("[ref]: missing.md", "no such file or folder in the repository: docs/missing.md")]
    [InlineData("- item\n\n    [list continuation](c.md)", "docs/c.md")]
    [InlineData("[empty]()", "the link has no target")]
    public void Problems_BrokenLink_Reported(string body, string expected)
    {
        var problem = Assert.Single(Check("# A\n\n" + body));
        Assert.StartsWith("docs/a.md:", problem, StringComparison.Ordinal);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("A walkthrough with curl", "a-walkthrough-with-curl")]
    [InlineData("`moves.csv` and `blocked.csv`", "movescsv-and-blockedcsv")]
    [InlineData("Pass 1: warehouse → store (size runs)", "pass-1-warehouse--store-size-runs")]
    [InlineData("The [policy](policy.md) keys", "the-policy-keys")]
    [InlineData("run_id, *emphasis* & 2.5", "run_id-emphasis--25")]
    public void Slug_IsGitHubs(string heading, string slug) => Assert.Equal(slug, Markdown.Slug(heading));

    [Fact]
    public void Anchors_SetextHeadingsAndHtmlAnchorsCount_HeadingsInCodeDoNot()
    {
        var anchors = Markdown.Anchors("Title\n=====\n\n<a id=\"kept\"></a>\n\n```\n# not a heading\n```\n");
        Assert.Equal(["kept", "title"], anchors.Order(StringComparer.Ordinal));
    }

    private static List<string> Check(string markdown)
    {
        var texts = new Dictionary<string, string>
        {
            ["docs/a.md"] = markdown,
            ["docs/b.md"] = "# The b file\n",
            ["README.md"] = "# Readme\n",
        };
        return MarkdownLinkChecker.Problems(
            "docs/a.md",
            markdown,
            path => path.Length == 0 || Sample.Contains(path) || Sample.Any(f => f.StartsWith(path + "/", StringComparison.Ordinal)),
            path => texts[path]).ToList();
    }

    private static IEnumerable<string> Folders(string file)
    {
        for (var slash = file.LastIndexOf('/'); slash > 0; slash = file.LastIndexOf('/', slash - 1))
        {
            yield return file[..slash];
        }
    }
}
