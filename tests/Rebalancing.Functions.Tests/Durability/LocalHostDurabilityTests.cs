using Rebalancing.Engine.Synthetic;
using Rebalancing.Functions.Application;
using Rebalancing.Functions.Storage;
using Rebalancing.Functions.Tests.Harness;

namespace Rebalancing.Functions.Tests.Durability;

/// <summary>
/// The local host killed (-9) in the middle of a run and started again: the run completes once and each approved
/// move is in the ledger once. On the embedded default the in-memory task hub is lost and the run is resumed from
/// its stored steps; on Azurite the Durable Task Azure Storage backend keeps the orchestration itself.
/// </summary>
public sealed class LocalHostDurabilityTests
{
    [Fact]
    public async Task EmbeddedHost_KilledDuringPassesAndWhileAwaitingApproval_ResumesAndAppliesOnce()
    {
        var dataDir = Emulators.NewTempDirectory("rebalancing-durable-embedded");
        await KillAndRecoverAsync(dataDir, new Dictionary<string, string>(), () => StorageServices.CreateEmbedded(dataDir, TimeProvider.System));
    }

    internal static async Task KillAndRecoverAsync(string dataDir, IReadOnlyDictionary<string, string> settings, Func<StorageServices> stores)
    {
        string runId;
        using (var first = await LocalHostProcess.StartAsync(dataDir, settings))
        {
            await first.UploadAsync("acme", DemoSnapshot.Create(new NetworkGeneratorOptions { Stores = 24, Skus = 240, Clusters = 4, OrgId = "acme" }));
            var (status, body) = await first.PostJsonAsync("api/orgs/acme/rebalances", """{"approvers":[{"id":"ann","elevated":true}]}""");
            Assert.Equal(202, status);
            runId = body.GetProperty("runId").GetString()!;
            await first.WaitForAsync(runId, "Pass1", "Pass2", "Pass3", "AwaitingApproval");
            first.Kill(); // in the middle of the passes (or just after them, on a fast day)
        }

        string hash;
        int moves;
        using (var second = await LocalHostProcess.StartAsync(dataDir, settings))
        {
            var proposed = await second.WaitForAsync(runId, "AwaitingApproval");
            hash = proposed.GetProperty("determinismHash").GetString()!;
            moves = proposed.GetProperty("summary").GetProperty("moves").GetInt32();
            second.Kill(); // while awaiting approval
        }

        using var third = await LocalHostProcess.StartAsync(dataDir, settings);
        var resumed = await third.WaitForAsync(runId, "AwaitingApproval");
        Assert.Equal(hash, resumed.GetProperty("determinismHash").GetString());
        var (raised, _) = await third.PostJsonAsync($"api/rebalances/{runId}/events/approval", """{"approverId":"ann","decision":"approve","eventId":"after-restart"}""");
        Assert.Equal(202, raised);
        var applied = await third.WaitForAsync(runId, "Applied");

        Assert.Equal(moves, applied.GetProperty("applied").GetProperty("moves").GetInt32());

        // Every move of the plan is in the ledger, under the id derived from run and move (point reads: the Cosmos
        // DB emulator cannot page a query), and the totals count each once.
        var ledger = stores().Ledger;
        var ids = new List<string>();
        string? token = null;
        do
        {
            var page = await third.GetJsonAsync($"api/rebalances/{runId}/moves?pageSize=10000" + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token)));
            ids.AddRange(page.GetProperty("moves").EnumerateArray().Select(m => m.GetProperty("moveId").GetString()!));
            token = page.TryGetProperty("continuationToken", out var next) && next.ValueKind == System.Text.Json.JsonValueKind.String ? next.GetString() : null;
        }
        while (token is not null);
        Assert.Equal(moves, ids.Distinct(StringComparer.Ordinal).Count());
        foreach (var id in ids)
        {
            Assert.NotNull(await ledger.GetAsync("acme", runId, id, CancellationToken.None));
        }

        Assert.Equal(moves, (await ledger.GetTotalsAsync("acme", runId, CancellationToken.None))!.Moves);
        var (again, _) = await third.PostJsonAsync("api/orgs/acme/rebalances", "{}");
        Assert.Equal(202, again); // the org was released exactly when the run ended
    }
}

/// <summary>The same on the emulators: orchestration state in DurableTask.AzureStorage on Azurite, stores on Azurite and the Cosmos DB emulator.</summary>
[Collection(EmulatorGroup.Name)]
public sealed class AzuriteDurabilityTests(EmulatorFixture emulators)
{
    [Fact]
    public async Task AzuriteHost_KilledDuringPassesAndWhileAwaitingApproval_CompletesOnceFromTheTaskHub()
    {
        var location = Emulators.NewTempDirectory("rebalancing-azurite-tables");
        await using var tables = await Emulators.StartAzuriteTableAsync(location);
        var connection = emulators.Options.StorageConnectionString + $"TableEndpoint=http://127.0.0.1:{tables.Port}/devstoreaccount1;";
        var settings = new Dictionary<string, string>
        {
            ["Rebalancing:Storage"] = "azure",
            ["AzureWebJobsStorage"] = connection,
            ["Rebalancing:Azure:StorageConnectionString"] = connection,
            ["Rebalancing:Azure:CosmosEndpoint"] = emulators.Options.CosmosEndpoint!.AbsoluteUri,
            ["Rebalancing:Azure:CosmosKey"] = emulators.Options.CosmosKey!,
            ["Rebalancing:Azure:Database"] = emulators.Options.Database,
        };
        var dataDir = Emulators.NewTempDirectory("rebalancing-durable-azurite");
        await LocalHostDurabilityTests.KillAndRecoverAsync(dataDir, settings, () => emulators.CreateServices(TimeProvider.System));
    }
}
