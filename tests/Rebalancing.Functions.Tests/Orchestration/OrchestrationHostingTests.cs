using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Rebalancing.Functions.Orchestration;
using Rebalancing.Functions.Tests.Storage.Contracts;

namespace Rebalancing.Functions.Tests.Orchestration;

/// <summary>The app registers what the triggers of issue 6 will call.</summary>
public sealed class OrchestrationHostingTests : IDisposable
{
    private readonly EmbeddedDataDir dir = new();

    [Fact]
    public async Task App_OnTheEmbeddedDefault_ProvidesTheServiceAndTheWorker()
    {
        using var app = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Testing");
            web.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(new Dictionary<string, string?> { ["Rebalancing:DataDir"] = dir.Path }));
        });

        var service = app.Services.GetRequiredService<RebalanceService>();
        var worker = app.Services.GetRequiredService<RunWorker>();

        Assert.Equal(StartRunOutcome.SnapshotNotFound, (await service.StartRunAsync("org-empty", new StartRunRequest(), CancellationToken.None)).Outcome);
        Assert.False(await worker.RunOnceAsync(CancellationToken.None));
    }

    public void Dispose() => dir.Dispose();
}
