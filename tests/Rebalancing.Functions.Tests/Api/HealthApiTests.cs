using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Rebalancing.Functions.Application;
using Rebalancing.Functions.Tests.Harness;
using Rebalancing.Functions.Tests.Storage.Contracts;

namespace Rebalancing.Functions.Tests.Api;

[Collection(EmulatorGroup.Name)]
public sealed class HealthApiTests(EmulatorFixture emulators) : IDisposable
{
    private readonly EmbeddedDataDir dir = new();

    private static WebApplicationFactory<Program> App(Dictionary<string, string?> settings) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Testing");
            web.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(settings));
        });

    [Fact]
    public async Task Health_OnTheEmbeddedDefault_Answers200Healthy()
    {
        using var app = App(new() { ["Rebalancing:DataDir"] = dir.Path });
        using var client = app.CreateClient();

        var response = await client.GetAsync(new Uri("/api/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("healthy", (await response.Content.ReadFromJsonAsync<HealthBody>())?.Status);
        Assert.True(File.Exists(Path.Combine(dir.Path, "rebalancing.db")));
    }

    [Fact]
    public async Task Health_AgainstTheEmulators_Answers200Healthy()
    {
        using var app = App(new()
        {
            ["Rebalancing:Storage"] = "azure",
            ["Rebalancing:ApiKey"] = "k",
            ["Rebalancing:ApprovalSigningKey"] = "s",
            ["Rebalancing:Azure:StorageConnectionString"] = emulators.Options.StorageConnectionString,
            ["Rebalancing:Azure:CosmosEndpoint"] = emulators.Options.CosmosEndpoint?.AbsoluteUri,
            ["Rebalancing:Azure:CosmosKey"] = EmulatorFixture.CosmosEmulatorKey,
            ["Rebalancing:Azure:Database"] = "health-" + Guid.NewGuid().ToString("N"),
        });
        using var client = app.CreateClient();

        var response = await client.GetAsync(new Uri("/api/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("healthy", (await response.Content.ReadFromJsonAsync<HealthBody>())?.Status);
    }

    [Fact]
    public async Task Health_WhenBlobStorageDoesNotAnswer_Answers503Unhealthy()
    {
        var nobodyListens = EmulatorProcess.FreePort();
        using var app = App(new()
        {
            ["Rebalancing:Storage"] = "azure",
            ["Rebalancing:ApiKey"] = "k",
            ["Rebalancing:ApprovalSigningKey"] = "s",
            ["Rebalancing:Azure:StorageConnectionString"] = Emulators.ConnectionString(nobodyListens, nobodyListens),
            ["Rebalancing:Azure:CosmosEndpoint"] = emulators.Options.CosmosEndpoint?.AbsoluteUri,
            ["Rebalancing:Azure:CosmosKey"] = EmulatorFixture.CosmosEmulatorKey,
        });
        using var client = app.CreateClient();

        var response = await client.GetAsync(new Uri("/api/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("unhealthy", (await response.Content.ReadFromJsonAsync<HealthBody>())?.Status);
    }

    [Fact]
    public async Task Start_AzureModeWithoutConnectionSettings_FailsAtStartNamingTheMissingSettings()
    {
        var error = await StartFailsAsync(new() { ["Rebalancing:Storage"] = "azure" });

        Assert.Contains("Rebalancing:Azure:StorageConnectionString", error.Message, StringComparison.Ordinal);
        Assert.Contains("Rebalancing:Azure:CosmosEndpoint", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_AzureModeWithoutApiKey_RefusesToStartNamingTheKey()
    {
        var error = await StartFailsAsync(new()
        {
            ["Rebalancing:Storage"] = "azure",
            ["Rebalancing:Azure:StorageConnectionString"] = "UseDevelopmentStorage=true",
            ["Rebalancing:Azure:CosmosEndpoint"] = "https://localhost:8081/",
        });

        Assert.Contains("Rebalancing:ApiKey", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WithAScheduleThatIsNotSixFieldNcrontab_RefusesToStartNamingIt()
    {
        var error = await StartFailsAsync(new() { ["Rebalancing:DataDir"] = dir.Path, ["Rebalancing:Schedule"] = "0 2 * * *" });

        Assert.Contains("Rebalancing:Schedule", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => dir.Dispose();

    /// <summary>
    /// Builds and starts the app as Program.cs composes it and returns the start-up failure. (WebApplicationFactory
    /// races the failing entry point against its own start and may surface ObjectDisposedException instead.)
    /// </summary>
    private static async Task<OptionsValidationException> StartFailsAsync(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddApplicationServices();
        await using var app = builder.Build();
        app.MapApplicationApis();
        return await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
    }

    private sealed record HealthBody(string Status);
}
