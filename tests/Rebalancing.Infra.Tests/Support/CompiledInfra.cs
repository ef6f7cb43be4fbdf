using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Rebalancing.Infra.Tests.Support;

/// <summary>
/// infra/ compiled once per test run: <c>bicep build --pattern infra/**/*.bicep --outdir TEMP</c> compiles every
/// .bicep file to ARM JSON outside the work tree (nothing generated lands in the repository) and reports every
/// compiler and linter diagnostic, at the levels infra/bicepconfig.json sets.
/// </summary>
public sealed partial class CompiledInfra : IDisposable
{
    private readonly string _outDir = Directory.CreateTempSubdirectory("rebalancing-infra-").FullName;

    public CompiledInfra()
    {
        var (exitCode, stdout, stderr) = BicepCli.Run(Repository.Root, "build", "--pattern", "infra/**/*.bicep", "--outdir", _outDir);
        ExitCode = exitCode;
        Output = (stdout + stderr).Trim();
        Diagnostics = Output.Split('\n')
            .Select(line => DiagnosticLine().Match(line.TrimEnd()))
            .Where(match => match.Success)
            .Select(match => new Diagnostic(
                Path.GetRelativePath(Repository.Infra, match.Groups["file"].Value).Replace(Path.DirectorySeparatorChar, '/'),
                match.Value))
            .ToList();
    }

    /// <summary>The CLI's exit code: non-zero when any file has an error.</summary>
    public int ExitCode { get; }

    /// <summary>Everything the CLI printed.</summary>
    public string Output { get; }

    /// <summary>Every diagnostic line (<c>FILE(LINE,COL) : Warning|Error RULE: message</c>), by file relative to infra/.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    /// <summary>The ARM JSON of <paramref name="bicepFile"/> (relative to infra/), or null when it was not written.</summary>
    public JsonNode? Template(string bicepFile)
    {
        var path = Path.Combine(_outDir, Path.ChangeExtension(bicepFile, ".json"));
        return File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path)) : null;
    }

    public void Dispose() => Directory.Delete(_outDir, recursive: true);

    [GeneratedRegex(@"^(?<file>/.+?\.bicep)\(\d+,\d+\) : (?<level>Error|Warning|Info)\b")]
    private static partial Regex DiagnosticLine();

    public sealed record Diagnostic(string File, string Line);
}

[CollectionDefinition(Name)]
public sealed class SharedCompiledInfra : ICollectionFixture<CompiledInfra>
{
    public const string Name = "compiled infra";
}
