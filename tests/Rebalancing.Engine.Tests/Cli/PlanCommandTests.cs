using System.Text.Json;
using Rebalancing.Cli.Commands;
using Rebalancing.Engine.Tests.Support;

namespace Rebalancing.Engine.Tests.Cli;

/// <summary>The command line of plan-output.md: exit codes 0/1/2, problems as <c>FILE:LINE: message</c>, nothing written on bad input.</summary>
public sealed class PlanCommandTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "rebalancing-cli-tests", Guid.NewGuid().ToString("N"));

    public PlanCommandTests() => Directory.CreateDirectory(root);

    private string OutDirectory => Path.Combine(root, "out");

    private static TestNetwork Network() =>
        new TestNetwork()
            .Warehouse("W1")
            .Store("S1", "GP").Store("S2", "GP")
            .Style("TEE", 3, price: 500)
            .Stock("W1", "TEE-1", 20).Stock("W1", "TEE-2", 20).Stock("W1", "TEE-3", 20)
            .Stock("S1", "TEE-1", 0, sales4w: 8).Stock("S1", "TEE-2", 0, sales4w: 8).Stock("S1", "TEE-3", 0, sales4w: 8)
            .Stock("S2", "TEE-1", 3, sales4w: 1)
            .NodeFreight("W1", "S1", 1, 10);

    private string WriteSnapshot(Dictionary<string, string> files, string name = "snapshot")
    {
        var directory = Path.Combine(root, name);
        Directory.CreateDirectory(directory);
        foreach (var (file, text) in files)
        {
            File.WriteAllText(Path.Combine(directory, file), text);
        }

        return directory;
    }

    private string WritePolicy(string json)
    {
        var path = Path.Combine(root, "policy.json");
        File.WriteAllText(path, json);
        return path;
    }

    private static Dictionary<string, string> BrokenFiles()
    {
        var files = Network().Files();
        files["inventory.csv"] += "S1,TEE-9,1,0,0,1\nS2,TEE-2,-4,0,0,1\n";
        files["nodes.csv"] += "S3,store,,,,,true,true\n";
        return files;
    }

    private (int Exit, string Output, string Errors) Plan(string snapshot, string? policy = null)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var exit = PlanCommand.Run(snapshot, policy, OutDirectory, quiet: true, output, errors);
        return (exit, output.ToString(), errors.ToString());
    }

    private static (int Exit, string Output, string Errors) Validate(string snapshot, string? policy = null)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var exit = ValidateCommand.Run(snapshot, policy, quiet: true, output, errors);
        return (exit, output.ToString(), errors.ToString());
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Fact]
    public void Plan_InvalidSnapshot_Exits2WithEveryProblemAsFileLineMessageAndNoOutFolder()
    {
        var snapshot = WriteSnapshot(BrokenFiles());

        var (exit, output, errors) = Plan(snapshot);

        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, output);
        var lines = Lines(errors);
        Assert.Contains(lines, l => l.StartsWith("nodes.csv:", StringComparison.Ordinal) && l.Contains("S3", StringComparison.Ordinal));
        // The two rows appended to inventory.csv are its last two lines.
        var inventoryLines = File.ReadAllLines(Path.Combine(snapshot, "inventory.csv")).Length;
        Assert.Contains(lines, l => l.StartsWith($"inventory.csv:{inventoryLines - 1}: ", StringComparison.Ordinal) && l.Contains("TEE-9", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"inventory.csv:{inventoryLines}: ", StringComparison.Ordinal) && l.Contains("on_hand", StringComparison.Ordinal));
        Assert.All(lines, l => Assert.Matches(@"^[a-z_]+\.(csv|json)(:\d+)?: \S", l));
        Assert.False(Directory.Exists(OutDirectory), "nothing may be written to --out on invalid input");
    }

    [Fact]
    public void Plan_InvalidSnapshotWithAnExistingOutFolder_WritesNoFileIntoIt()
    {
        Directory.CreateDirectory(OutDirectory);

        var (exit, _, _) = Plan(WriteSnapshot(BrokenFiles()));

        Assert.Equal(2, exit);
        Assert.Empty(Directory.EnumerateFileSystemEntries(OutDirectory));
    }

    [Fact]
    public void Plan_PolicyWithAnUnknownKey_Exits2WithPolicyPathMessage()
    {
        var (exit, output, errors) = Plan(WriteSnapshot(Network().Files()), WritePolicy("""{"horizon_weeks": 6, "pass1": {"min_push_unit": 3}}"""));

        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, output);
        var line = Assert.Single(Lines(errors));
        Assert.StartsWith("policy: pass1.min_push_unit: ", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(OutDirectory));
    }

    [Fact]
    public void Plan_SnapshotAndPolicyBothInvalid_ReportsTheProblemsOfBoth()
    {
        var (exit, _, errors) = Plan(WriteSnapshot(BrokenFiles()), WritePolicy("""{"markdown_rate": 2}"""));

        Assert.Equal(2, exit);
        var lines = Lines(errors);
        Assert.Contains(lines, l => l.StartsWith("inventory.csv:", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("policy: markdown_rate: ", StringComparison.Ordinal));
        Assert.False(Directory.Exists(OutDirectory));
    }

    [Fact]
    public void Plan_ValidInput_Exits0WritesTheThreeFilesAndPrintsTheSummaryOnStandardOutput()
    {
        var (exit, output, errors) = Plan(WriteSnapshot(Network().Files()), WritePolicy("{}"));

        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, errors);
        Assert.True(File.Exists(Path.Combine(OutDirectory, "moves.csv")));
        Assert.True(File.Exists(Path.Combine(OutDirectory, "blocked.csv")));
        Assert.True(File.Exists(Path.Combine(OutDirectory, "summary.json")));
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(OutDirectory, "summary.json")));
        var hash = summary.RootElement.GetProperty("determinism_hash").GetString()!;
        Assert.Matches("^[0-9a-f]{64}$", hash);
        Assert.Contains("plan for test-org", output, StringComparison.Ordinal);
        Assert.Contains(hash, output, StringComparison.Ordinal);
        Assert.Contains("net benefit", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_SnapshotWithOnlyWarnings_Exits0AndPrintsTheWarningsToStandardError()
    {
        var files = Network().Files();
        files["nodes.csv"] += "S9,store,CT,,,,true,true\n";

        var (exit, output, errors) = Plan(WriteSnapshot(files));

        Assert.Equal(0, exit);
        Assert.Contains("nodes.csv:", errors, StringComparison.Ordinal);
        Assert.Contains("warning", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("warning", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(OutDirectory, "summary.json")));
    }

    [Fact]
    public void Plan_ZippedSnapshot_Exits0()
    {
        var zip = Path.Combine(root, "snapshot.zip");
        using (var stream = Input.SnapshotLoaderTests.Zip(Network().Files(), folder: "snapshot"))
        {
            File.WriteAllBytes(zip, stream.ToArray());
        }

        var (exit, _, errors) = Plan(zip);

        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, errors);
        Assert.True(File.Exists(Path.Combine(OutDirectory, "moves.csv")));
    }

    [Fact]
    public void Plan_MissingSnapshotPath_Exits2NamingThePathAndWritesNothing()
    {
        // plan-output.md: 2 = "the snapshot or policy is invalid", 1 = "anything else". A path that names no folder
        // and no zip is an invalid snapshot argument, the same class as a snapshot folder that lacks nodes.csv (which
        // snapshot-format.md reports as "FILE: message" and is exit 2); a missing --policy file is exit 2 as well.
        // Exit 1 is for failures that are not the caller's input (I/O while writing, an engine fault). So 2 is right.
        var missing = Path.Combine(root, "no-such-snapshot");

        var (exit, output, errors) = Plan(missing);

        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, output);
        Assert.Contains(missing, errors, StringComparison.Ordinal);
        Assert.False(Directory.Exists(OutDirectory));
    }

    [Fact]
    public void Plan_MissingPolicyFile_Exits2()
    {
        var (exit, _, errors) = Plan(WriteSnapshot(Network().Files()), Path.Combine(root, "no-such-policy.json"));

        Assert.Equal(2, exit);
        Assert.StartsWith("policy: ", errors, StringComparison.Ordinal);
        Assert.False(Directory.Exists(OutDirectory));
    }

    [Fact]
    public void Plan_SnapshotFileThatIsNotAZip_Exits2()
    {
        var path = Path.Combine(root, "snapshot.zip");
        File.WriteAllText(path, "not a zip");

        var (exit, _, errors) = Plan(path);

        Assert.Equal(2, exit);
        Assert.Contains("snapshot.zip", errors, StringComparison.Ordinal);
        Assert.False(Directory.Exists(OutDirectory));
    }

    [Fact]
    public void Validate_InvalidSnapshot_Exits2WithTheSameProblemsAsPlanAndWritesNothing()
    {
        var snapshot = WriteSnapshot(BrokenFiles());
        var before = Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Order().ToList();

        var (exit, output, errors) = Validate(snapshot);
        var (_, _, planErrors) = Plan(snapshot);

        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, output);
        Assert.Equal(planErrors, errors);
        Assert.Equal(before, Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Order().ToList());
    }

    [Fact]
    public void Validate_InvalidPolicy_Exits2()
    {
        var (exit, _, errors) = Validate(WriteSnapshot(Network().Files()), WritePolicy("""{"horizon_weeks": -1}"""));

        Assert.Equal(2, exit);
        Assert.StartsWith("policy: horizon_weeks: ", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ValidInput_Exits0AndWritesNothing()
    {
        var snapshot = WriteSnapshot(Network().Files());
        var before = Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Order().ToList();

        var (exit, output, errors) = Validate(snapshot, WritePolicy("{}"));

        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, errors);
        Assert.StartsWith("valid: test-org", output, StringComparison.Ordinal);
        var after = Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Order().ToList();
        Assert.Equal(before.Append(Path.Combine(root, "policy.json")).Order().ToList(), after);
    }

    [Fact]
    public void Validate_MissingSnapshotPath_Exits2LikePlan()
    {
        var (exit, _, _) = Validate(Path.Combine(root, "no-such-snapshot"));

        Assert.Equal(2, exit);
    }

    public void Dispose()
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
