namespace Rebalancing.Engine.Tests.Repository;

/// <summary>
/// Nothing in the repository (code, tests, scripts, docs) reads or names a path outside it, so a clone into an empty
/// folder builds, tests and reads the same as the original.
/// </summary>
public class PathReferenceTests
{
    // The sample inputs below are assembled from pieces where whole they would be the very references the repository
    // check reports in this file.
    private const string Up = "..";

    [Fact]
    public void EveryFile_RefersOnlyToPathsInsideTheRepository()
    {
        var files = RepositoryFiles.All;
        Assert.Contains("Rebalancing.sln", files);

        var problems = new List<string>();
        foreach (var file in files)
        {
            if (RepositoryFiles.ReadText(file) is { } text)
            {
                problems.AddRange(PathReferences.Problems(file, text, RepositoryFiles.Root));
            }
        }

        Assert.True(problems.Count == 0, "references outside the repository:\n" + string.Join('\n', problems));
    }

    [Theory]
    [InlineData("tests/X.Tests/X.Tests.csproj", "<ProjectReference Include=\"..\\..\\engine\\E\\E.csproj\" />")]
    [InlineData("tests/run.sh", "cd \"$(dirname \"$0\")/..\"")]
    [InlineData("docs/a.md", "see [the readme](../README.md) and `docs/b.md`")]
    [InlineData("docs/a.md", "    (cd /tmp/snap && zip -q ../snap.zip *)")]
    [InlineData("docs/a.md", "an ellipsis... and a range 1..5")]
    [InlineData("engine/E/A.cs", "int[] all = [.. first, .. second]; var tail = items[1..];")]
    [InlineData("engine/E/A.cs", "if (id is \".\" or \"..\" || path.Contains(\"..\")) return false;")]
    [InlineData("engine/E/A.cs", "var url = \"http://127.0.0.1:10001/devstoreaccount1/work/messages\";")]
    public void Problems_PathsThatStayInside_None(string file, string text) =>
        Assert.Empty(PathReferences.Problems(file, text, "/nowhere/repo"));

    [Theory]
    [InlineData("README.md", "The contracts live in [" + Up + "/specs/](" + Up + "/specs/).", "climbs above the repository root")]
    [InlineData("docs/a.md", "It follows `" + Up + "/specs/rules.md` to the letter.", "the docs' commands run from the root")]
    [InlineData("tests/run.sh", "cd \"$(dirname \"$0\")/" + Up + "/" + Up + "\"", "climbs above the repository root (from tests/)")]
    [InlineData("tests/X.Tests/X.Tests.csproj", "<None Include=\"" + Up + "\\" + Up + "\\" + Up + "\\specs\\**\" />", "climbs above the repository root")]
    [InlineData("tests/X.Tests/Files.cs", "var spec = Path." + "Combine(Root(), \"" + Up + "\", \"specs\");", "handed to a file API")]
    [InlineData("tests/X.Tests/Files.cs", "var text = File." + "ReadAllText(\"" + Up + "/specs/policy.json\");", "handed to a file API")]
    [InlineData("docs/a.md", "copy it from /" + "work/specs/ first", "an absolute path on one machine")]
    [InlineData("docs/a.md", "or C:\\" + "Users\\me\\specs", "an absolute path on one machine")]
    [InlineData("docs/a.md", "the checkout at /nowhere" + "/repo/docs", "this checkout's absolute path")]
    public void Problems_PathOutsideTheRepository_Reported(string file, string text, string expected)
    {
        var problem = Assert.Single(PathReferences.Problems(file, text, "/nowhere" + "/repo"));
        Assert.StartsWith(file + ":1:", problem, StringComparison.Ordinal);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }
}
