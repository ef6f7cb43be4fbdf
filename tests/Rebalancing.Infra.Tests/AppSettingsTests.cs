using System.Text.Json.Nodes;
using Rebalancing.Infra.Tests.Support;

namespace Rebalancing.Infra.Tests;

/// <summary>
/// The function app's settings in Azure (infra/main.bicep compiled) and on a developer's machine
/// (local.settings.sample.json's Values) name the same things. A key only one side has must be in one of the short
/// lists below, each with its reason; docs/deploy.md repeats them.
/// </summary>
[Collection(SharedCompiledInfra.Name)]
public sealed class AppSettingsTests(CompiledInfra infra)
{
    /// <summary>Local-only keys (keys and connection strings for the emulators) and the identity-based settings the template sets instead.</summary>
    private static readonly Dictionary<string, string[]> LocalOnly = new(StringComparer.Ordinal)
    {
        // Azurite's connection string -> the Functions host's (and Durable Functions') identity-based connection.
        ["AzureWebJobsStorage"] = ["AzureWebJobsStorage__accountName", "AzureWebJobsStorage__credential", "AzureWebJobsStorage__clientId"],
        // Shared Key for Azurite -> the account's endpoints, reached with the managed identity.
        ["Rebalancing__Azure__StorageConnectionString"] = ["Rebalancing__Azure__BlobEndpoint", "Rebalancing__Azure__QueueEndpoint"],
        // The Cosmos emulator's key -> the managed identity (a SQL role assignment; the account's keys are disabled).
        ["Rebalancing__Azure__CosmosKey"] = ["Rebalancing__Azure__ManagedIdentityClientId"],
    };

    /// <summary>Host-level keys that Flex Consumption does not accept as app settings, and where the template sets them instead.</summary>
    private static readonly Dictionary<string, string> HostLevel = new(StringComparer.Ordinal)
    {
        ["FUNCTIONS_WORKER_RUNTIME"] = "functionAppConfig.runtime.name",
    };

    /// <summary>Azure-only keys with no local counterpart (locally the host logs to the console).</summary>
    private static readonly string[] AzureOnly =
    [
        "APPLICATIONINSIGHTS_CONNECTION_STRING",
        // Identity-based ingestion: the component's local (key) authentication is disabled.
        "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
    ];

    [Fact]
    public void SampleValues_EveryKey_IsSetByTheTemplateOrHasAnAzureCounterpart()
    {
        var template = TemplateSettings();
        var problems = new List<string>();

        foreach (var key in SampleKeys())
        {
            if (LocalOnly.TryGetValue(key, out var counterparts))
            {
                problems.AddRange(counterparts.Where(c => !template.Contains(c)).Select(c => $"{key} is local-only, but its Azure counterpart {c} is not set"));
                if (template.Contains(key))
                {
                    problems.Add($"{key} is local-only (a key or connection string) but the template sets it");
                }
            }
            else if (!HostLevel.ContainsKey(key) && !template.Contains(key))
            {
                problems.Add($"{key} is in local.settings.sample.json but the template does not set it");
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void TemplateSettings_EveryKey_IsInTheSampleOrAzureOnly()
    {
        var sample = SampleKeys().ToHashSet(StringComparer.Ordinal);
        var allowed = AzureOnly.Concat(LocalOnly.Values.SelectMany(c => c)).ToHashSet(StringComparer.Ordinal);

        var unexplained = TemplateSettings().Where(key => !sample.Contains(key) && !allowed.Contains(key)).Order(StringComparer.Ordinal).ToList();

        Assert.True(unexplained.Count == 0, $"the template sets keys local.settings.sample.json lacks: {string.Join(", ", unexplained)}");
    }

    [Fact]
    public void ExceptionLists_EveryEntry_IsStillNeeded()
    {
        var sample = SampleKeys().ToHashSet(StringComparer.Ordinal);
        var template = TemplateSettings();

        Assert.All(LocalOnly.Keys.Concat(HostLevel.Keys), key => Assert.True(sample.Contains(key), $"{key} is listed as an exception but the sample no longer has it"));
        Assert.All(AzureOnly, key => Assert.True(template.Contains(key), $"{key} is listed as Azure-only but the template does not set it"));
    }

    [Fact]
    public void WorkerRuntime_FlexConfig_MatchesTheSampleAndTheTargetFramework()
    {
        var runtime = Site()["properties"]!["functionAppConfig"]!["runtime"]!;
        var sampleRuntime = (string?)SampleValues()["FUNCTIONS_WORKER_RUNTIME"];
        var targetFramework = System.Xml.Linq.XDocument.Load(Path.Combine(Repository.Root, "Directory.Build.props"))
            .Descendants("TargetFramework").Single().Value;

        Assert.Equal(sampleRuntime, (string?)runtime["name"]);
        Assert.Equal(targetFramework.Replace("net", "", StringComparison.Ordinal), (string?)runtime["version"]);
    }

    private static JsonObject SampleValues() =>
        JsonNode.Parse(File.ReadAllText(Repository.LocalSettingsSample))!["Values"]!.AsObject();

    private static List<string> SampleKeys() => SampleValues().Select(pair => pair.Key).ToList();

    /// <summary>The names of the function app's app settings (the sites/config 'appsettings' resource) in the compiled main.bicep.</summary>
    private HashSet<string> TemplateSettings()
    {
        var configs = ArmResources(MainTemplate())
            .Where(r => (string?)r["type"] == "Microsoft.Web/sites/config" && ((string?)r["name"] ?? "").Contains("appsettings", StringComparison.Ordinal))
            .ToList();
        var config = Assert.Single(configs);
        return config["properties"]!.AsObject().Select(pair => pair.Key).ToHashSet(StringComparer.Ordinal);
    }

    private JsonNode Site() =>
        Assert.Single(ArmResources(MainTemplate()), r => (string?)r["type"] == "Microsoft.Web/sites");

    private JsonNode MainTemplate() =>
        infra.Template("main.bicep") ?? throw new InvalidOperationException($"main.bicep did not compile:\n{infra.Output}");

    /// <summary>Every resource of a template and of the templates of its nested deployments (modules).</summary>
    internal static IEnumerable<JsonNode> ArmResources(JsonNode template)
    {
        // languageVersion 2.0 templates keep resources in an object keyed by symbolic name; 1.0 in an array.
        var resources = template["resources"] switch
        {
            JsonArray array => array.Where(r => r is not null).Select(r => r!),
            JsonObject obj => obj.Select(pair => pair.Value).Where(r => r is not null).Select(r => r!),
            _ => [],
        };
        foreach (var resource in resources)
        {
            yield return resource;
            if ((string?)resource["type"] == "Microsoft.Resources/deployments" && resource["properties"]?["template"] is { } nested)
            {
                foreach (var inner in ArmResources(nested))
                {
                    yield return inner;
                }
            }
        }
    }
}
