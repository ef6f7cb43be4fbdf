using System.Net;
using Rebalancing.Functions.Tests.Support;
using static Rebalancing.Functions.Tests.Api.RebalancesApiTests;

namespace Rebalancing.Functions.Tests.Api;

/// <summary><c>GET /api/health</c> on the embedded default: no key, 200 healthy, 503 unhealthy when the store fails.</summary>
public sealed class HealthApiTests : IDisposable
{
    private readonly FunctionApp app = new();

    [Fact]
    public async Task Health_OnTheEmbeddedDefault_Answers200Healthy_WithoutKey()
    {
        using var client = app.Anonymous();

        using var response = await client.GetAsync(Relative("/api/health"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("healthy", (await Json.ReadAsync(response)).GetProperty("status").GetString());
        Assert.True(File.Exists(Path.Combine(app.DataDir, "rebalancing.db")));
    }

    [Fact]
    public async Task Health_WhenTheSnapshotStoreCannotBeWritten_Answers503Unhealthy()
    {
        using var client = app.Anonymous();
        using (var first = await client.GetAsync(Relative("/api/health")))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        // The snapshots container's folder becomes a file: the store cannot create or use it.
        var snapshots = Path.Combine(app.DataDir, "blobs", "snapshots");
        Directory.Delete(snapshots, recursive: true);
        await File.WriteAllTextAsync(snapshots, "not a folder");

        using var response = await client.GetAsync(Relative("/api/health"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("unhealthy", (await Json.ReadAsync(response)).GetProperty("status").GetString());
        Assert.Contains(app.Logs.Lines, l => l.Contains("Health check failed", StringComparison.Ordinal));
    }

    public void Dispose() => app.Dispose();
}
