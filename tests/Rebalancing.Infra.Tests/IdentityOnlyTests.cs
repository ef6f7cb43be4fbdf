using System.Text.Json.Nodes;
using Rebalancing.Infra.Tests.Support;

namespace Rebalancing.Infra.Tests;

/// <summary>No keys anywhere: every service's local authentication is off and no template reads a key.</summary>
[Collection(SharedCompiledInfra.Name)]
public sealed class IdentityOnlyTests(CompiledInfra infra)
{
    [Fact]
    public void MainTemplate_ReadsNoKeysOrConnectionStrings()
    {
        var text = infra.Template("main.bicep")!.ToJsonString();

        Assert.All(
            ["listKeys(", "listConnectionStrings(", "AccountKey=", "SharedAccessKey"],
            marker => Assert.DoesNotContain(marker, text, StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("Microsoft.Storage/storageAccounts", "allowSharedKeyAccess", false)]
    [InlineData("Microsoft.DocumentDB/databaseAccounts", "disableLocalAuth", true)]
    [InlineData("Microsoft.ServiceBus/namespaces", "disableLocalAuth", true)]
    [InlineData("Microsoft.Insights/components", "DisableLocalAuth", true)]
    [InlineData("Microsoft.KeyVault/vaults", "enableRbacAuthorization", true)]
    public void Resource_LocalAuthentication_IsOff(string type, string property, bool expected)
    {
        var resource = Assert.Single(AppSettingsTests.ArmResources(infra.Template("main.bicep")!), r => (string?)r["type"] == type);

        Assert.Equal(expected, resource["properties"]?[property]?.GetValue<bool>());
    }

    [Fact]
    public void FunctionApp_KeyVaultReferences_UseTheUserAssignedIdentity()
    {
        var site = Assert.Single(AppSettingsTests.ArmResources(infra.Template("main.bicep")!), r => (string?)r["type"] == "Microsoft.Web/sites");
        var properties = site["properties"]!;
        var identities = site["identity"]!["userAssignedIdentities"]!.AsObject();

        Assert.Equal("UserAssigned", (string?)site["identity"]!["type"]);
        // Both are ARM expressions over the module's identityId parameter (the key is wrapped in format()).
        Assert.Contains("parameters('identityId')", Assert.Single(identities).Key, StringComparison.Ordinal);
        Assert.Equal("[parameters('identityId')]", (string?)properties["keyVaultReferenceIdentity"]);
        Assert.Equal("UserAssignedIdentity", (string?)properties["functionAppConfig"]!["deployment"]!["storage"]!["authentication"]!["type"]);
    }
}
