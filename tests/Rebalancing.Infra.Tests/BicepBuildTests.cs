using System.Text.Json;
using System.Text.Json.Nodes;
using Rebalancing.Infra.Tests.Support;

namespace Rebalancing.Infra.Tests;

/// <summary>Every .bicep file under infra/ compiles, and neither the compiler nor the linter has anything to say.</summary>
[Collection(SharedCompiledInfra.Name)]
public sealed class BicepBuildTests(CompiledInfra infra)
{
    public static TheoryData<string> BicepFiles => new(Repository.BicepFiles());

    [Fact]
    public void Build_WholeFolder_ExitsZeroWithoutDiagnostics()
    {
        Assert.True(infra.ExitCode == 0, $"bicep build exited with {infra.ExitCode}:\n{infra.Output}");
        Assert.True(infra.Diagnostics.Count == 0, $"bicep build reported:\n{string.Join('\n', infra.Diagnostics.Select(d => d.Line))}");
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void Build_EachFile_CompilesToAnArmTemplate(string file)
    {
        var template = infra.Template(file);

        Assert.True(template is not null, $"{file} was not compiled:\n{infra.Output}");
        Assert.NotNull(template["resources"]);
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void Build_EachFile_HasNoWarningOrError(string file)
    {
        var diagnostics = infra.Diagnostics.Where(d => d.File == file).Select(d => d.Line).ToList();

        Assert.True(diagnostics.Count == 0, $"{file}:\n{string.Join('\n', diagnostics)}");
    }

    [Fact]
    public void Linter_RulesTheInfraReliesOn_AreErrors()
    {
        // Secrets, keys and URLs: a finding here is a leak or a template that only works in the public cloud.
        string[] mustBeErrors =
        [
            "no-hardcoded-env-urls",
            "no-hardcoded-location",
            "outputs-should-not-contain-secrets",
            "secure-parameter-default",
            "secure-secrets-in-params",
            "use-secure-value-for-secure-inputs",
            "use-stable-resource-identifiers",
        ];
        var config = JsonNode.Parse(
            File.ReadAllText(Path.Combine(Repository.Infra, "bicepconfig.json")),
            documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!;
        var core = config["analyzers"]!["core"]!;
        var rules = core["rules"]!.AsObject();

        Assert.True(core["enabled"]!.GetValue<bool>(), "the core analyzer is off");
        Assert.All(mustBeErrors, rule => Assert.Equal("error", (string?)rules[rule]?["level"]));
    }
}
