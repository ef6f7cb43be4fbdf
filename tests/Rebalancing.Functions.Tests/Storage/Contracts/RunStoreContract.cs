using Rebalancing.Functions.Storage;

namespace Rebalancing.Functions.Tests.Storage.Contracts;

public abstract class RunStoreContract : StorageContract
{
    private IRunStore Store => Services.Runs;

    private RunDocument NewRun(string? orgId = null) =>
        new(NewId("run"), orgId ?? NewId("org"), "Pending", Time.GetUtcNow(), Time.GetUtcNow(), Json(new { step = 0 }));

    [Fact]
    public async Task Create_NewRun_CanBeReadBackWithAnETag()
    {
        var run = NewRun();

        var created = await Store.CreateAsync(run, Ct);
        var read = await Store.GetAsync(run.RunId, Ct);

        Assert.True(created.Created);
        Assert.NotNull(read);
        Assert.Equal(run.RunId, read.Value.RunId);
        Assert.Equal("Pending", read.Value.Status);
        Assert.Equal(0, read.Value.Body.GetProperty("step").GetInt32());
        Assert.Equal(created.Stored.ETag, read.ETag);
    }

    [Fact]
    public async Task Create_SameRunIdTwice_SecondGetsTheFirstRunAndCreatedFalse()
    {
        var run = NewRun();
        await Store.CreateAsync(run, Ct);

        var again = await Store.CreateAsync(run with { Status = "Pass1" }, Ct);

        Assert.False(again.Created);
        Assert.Equal("Pending", again.Stored.Value.Status);
    }

    [Fact]
    public async Task Get_UnknownRun_ReturnsNull()
    {
        Assert.Null(await Store.GetAsync(NewId("run"), Ct));
    }

    [Fact]
    public async Task Replace_WithCurrentETag_StoresAndReturnsNewETag()
    {
        var created = await Store.CreateAsync(NewRun(), Ct);

        var replaced = await Store.ReplaceAsync(created.Stored.Value with { Status = "Pass1" }, created.Stored.ETag, Ct);

        Assert.NotEqual(created.Stored.ETag, replaced.ETag);
        var read = await Store.GetAsync(created.Stored.Value.RunId, Ct);
        Assert.Equal("Pass1", read!.Value.Status);
        Assert.Equal(replaced.ETag, read.ETag);
    }

    [Fact]
    public async Task Replace_WithStaleETag_ThrowsConflictAndKeepsTheNewerWrite()
    {
        var created = await Store.CreateAsync(NewRun(), Ct);
        await Store.ReplaceAsync(created.Stored.Value with { Status = "Pass1" }, created.Stored.ETag, Ct);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(
            () => Store.ReplaceAsync(created.Stored.Value with { Status = "Cancelled" }, created.Stored.ETag, Ct));

        Assert.Equal("Pass1", (await Store.GetAsync(created.Stored.Value.RunId, Ct))!.Value.Status);
    }

    [Fact]
    public async Task Replace_TwoConcurrentWritersWithTheSameETag_OneWinsOneGetsTheConflict()
    {
        var created = await Store.CreateAsync(NewRun(), Ct);
        string[] statuses = ["Pass1", "Cancelled"];

        var outcomes = await RaceAsync(2, async i =>
        {
            try
            {
                await Store.ReplaceAsync(created.Stored.Value with { Status = statuses[i] }, created.Stored.ETag, Ct);
                return statuses[i];
            }
            catch (ConcurrencyConflictException)
            {
                return null;
            }
        });

        var winner = Assert.Single(outcomes, o => o is not null);
        Assert.Equal(winner, (await Store.GetAsync(created.Stored.Value.RunId, Ct))!.Value.Status);
    }

    [Fact]
    public async Task Replace_RunThatDoesNotExist_ThrowsConflict()
    {
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.ReplaceAsync(NewRun(), "\"no-such-etag\"", Ct));
    }

    [Fact]
    public async Task ClaimActiveRun_ManyConcurrentClaimers_ExactlyOneWinsAndTheOthersLearnItsId()
    {
        var org = NewId("org");
        var runIds = Enumerable.Range(0, 12).Select(_ => NewId("run")).ToArray();

        var claims = await RaceAsync(runIds.Length, i => Store.ClaimActiveRunAsync(org, runIds[i], Ct));

        var winner = Assert.Single(claims, c => c.Claimed);
        Assert.All(claims, c => Assert.Equal(winner.ActiveRunId, c.ActiveRunId));
        Assert.Equal(winner.ActiveRunId, await Store.GetActiveRunAsync(org, Ct));
    }

    [Fact]
    public async Task ClaimActiveRun_ByTheHolderAgain_IsClaimedIdempotently()
    {
        var org = NewId("org");
        var run = NewId("run");
        await Store.ClaimActiveRunAsync(org, run, Ct);

        var again = await Store.ClaimActiveRunAsync(org, run, Ct);

        Assert.True(again.Claimed);
        Assert.Equal(run, again.ActiveRunId);
    }

    [Fact]
    public async Task ReleaseActiveRun_ByTheHolder_FreesTheSlotForTheNextRun()
    {
        var org = NewId("org");
        var (first, second) = (NewId("run"), NewId("run"));
        await Store.ClaimActiveRunAsync(org, first, Ct);

        Assert.False(await Store.ReleaseActiveRunAsync(org, second, Ct));
        Assert.True(await Store.ReleaseActiveRunAsync(org, first, Ct));
        Assert.Null(await Store.GetActiveRunAsync(org, Ct));
        Assert.True((await Store.ClaimActiveRunAsync(org, second, Ct)).Claimed);
    }

    [Fact]
    public async Task AddWorkResult_DuplicatesRacing_TheFirstIsKeptAndEveryCallerSeesIt()
    {
        var runId = NewId("run");

        var results = await RaceAsync(6, i => Store.AddWorkResultAsync(new WorkResult(runId, "cluster-north", Json(new { attempt = i }), Time.GetUtcNow()), Ct));

        var created = Assert.Single(results, r => r.Created);
        Assert.All(results, r => Assert.Equal(created.Stored.Value.Body.GetProperty("attempt").GetInt32(), r.Stored.Value.Body.GetProperty("attempt").GetInt32()));
    }

    [Fact]
    public async Task ListWorkResults_ReturnsEachKeyOnceInKeyOrder_OnlyForThatRun()
    {
        var (runId, otherRun) = (NewId("run"), NewId("run"));
        foreach (var key in new[] { "cluster-west", "cluster-east", "cluster-north" })
        {
            await Store.AddWorkResultAsync(new WorkResult(runId, key, Json(new { key }), Time.GetUtcNow()), Ct);
        }

        await Store.AddWorkResultAsync(new WorkResult(runId, "cluster-east", Json(new { key = "again" }), Time.GetUtcNow()), Ct);
        await Store.AddWorkResultAsync(new WorkResult(otherRun, "cluster-south", Json(new { }), Time.GetUtcNow()), Ct);

        var listed = await Store.ListWorkResultsAsync(runId, Ct);

        Assert.Equal(["cluster-east", "cluster-north", "cluster-west"], listed.Select(r => r.Key));
        Assert.Equal("cluster-east", listed[0].Body.GetProperty("key").GetString());
    }
}
