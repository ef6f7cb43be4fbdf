using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Rebalancing.Infra.Tests.Support;

namespace Rebalancing.Infra.Tests;

/// <summary>What <c>azd up</c> reads besides the templates: infra/main.parameters.json and azure.yaml.</summary>
[Collection(SharedCompiledInfra.Name)]
public sealed partial class AzdTests(CompiledInfra infra)
{
    [Fact]
    public void ParametersFile_EveryParameter_IsDeclaredByMainBicep()
    {
        var declared = DeclaredParameters();

        // ARM refuses a deployment whose parameters file names a parameter the template lacks.
        var unknown = FileParameters().Where(name => !declared.ContainsKey(name)).ToList();

        Assert.True(unknown.Count == 0, $"main.parameters.json sets parameters main.bicep does not declare: {string.Join(", ", unknown)}");
    }

    [Fact]
    public void ParametersFile_EveryRequiredParameter_IsSet()
    {
        var set = FileParameters().ToHashSet(StringComparer.Ordinal);

        var missing = DeclaredParameters().Where(p => p.Value?["defaultValue"] is null && !set.Contains(p.Key)).Select(p => p.Key).ToList();

        Assert.True(missing.Count == 0, $"main.bicep parameters without a default that main.parameters.json does not set: {string.Join(", ", missing)}");
    }

    [Fact]
    public void AzureYaml_ApiService_PointsAtAProjectFolder()
    {
        var yaml = File.ReadAllText(Path.Combine(Repository.Root, "azure.yaml"));
        var project = ProjectLine().Match(yaml);

        Assert.True(project.Success, "azure.yaml has no service project");
        var folder = Path.GetFullPath(Path.Combine(Repository.Root, project.Groups["path"].Value));
        Assert.True(Directory.Exists(folder) && Directory.EnumerateFiles(folder, "*.csproj").Any(), $"azure.yaml's api project {folder} has no .csproj");
        Assert.Contains("host: function", yaml, StringComparison.Ordinal);
    }

    private JsonObject DeclaredParameters() =>
        (infra.Template("main.bicep") ?? throw new InvalidOperationException(infra.Output))["parameters"]!.AsObject();

    private static IEnumerable<string> FileParameters() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.Infra, "main.parameters.json")))!["parameters"]!.AsObject().Select(p => p.Key);

    [GeneratedRegex(@"^\s+project:\s*(?<path>\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex ProjectLine();
}
