using System.Text;
using Rebalancing.Functions.Storage;

namespace Rebalancing.Functions.Tests.Storage.Contracts;

public abstract class SnapshotStoreContract : StorageContract
{
    private static readonly Dictionary<string, long> Rows = new() { ["stock.csv"] = 120, ["locations.csv"] = 8 };

    private ISnapshotStore Store => Services.Snapshots;

    private static byte[] Bundle(string text) => Encoding.UTF8.GetBytes("PK-fake-zip:" + text);

    private static SnapshotPut Put(string orgId, int day = 1) => new(orgId, Rows, new DateTimeOffset(2026, 2, day, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Put_NewContent_StoresBundleAndMetadataKeyedByContentHash()
    {
        var org = NewId("org");
        var bytes = Bundle("a");

        var result = await Store.PutAsync(Put(org), bytes, Ct);

        Assert.True(result.Created);
        var expectedHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        Assert.Equal(expectedHash, result.Metadata.ContentHash);
        Assert.Equal(expectedHash, result.Metadata.SnapshotId);
        Assert.Equal(bytes.Length, result.Metadata.SizeBytes);
        Assert.Equal(Time.GetUtcNow(), result.Metadata.StoredAt);
        Assert.Equal(bytes, await Store.GetBundleAsync(org, result.Metadata.SnapshotId, Ct));
        var metadata = await Store.GetMetadataAsync(org, result.Metadata.SnapshotId, Ct);
        Assert.NotNull(metadata);
        Assert.Equal(120, metadata.Rows["stock.csv"]);
        Assert.Equal(Put(org).AsOf, metadata.AsOf);
    }

    [Fact]
    public async Task Put_SameContentTwice_ReturnsSameIdWithoutOverwriting()
    {
        var org = NewId("org");
        var first = await Store.PutAsync(Put(org, day: 1), Bundle("same"), Ct);
        Time.Advance(TimeSpan.FromHours(1));

        var second = await Store.PutAsync(Put(org, day: 9), Bundle("same"), Ct);

        Assert.False(second.Created);
        Assert.Equal(first.Metadata.SnapshotId, second.Metadata.SnapshotId);
        Assert.Equal(first.Metadata.AsOf, second.Metadata.AsOf);
        Assert.Equal(first.Metadata.StoredAt, second.Metadata.StoredAt);
        var stored = await Store.GetMetadataAsync(org, first.Metadata.SnapshotId, Ct);
        Assert.Equal(first.Metadata.AsOf, stored!.AsOf);
    }

    [Fact]
    public async Task Put_OtherBytesWithTheSameGivenContentHash_ReturnsTheFirstSnapshotWithoutOverwritingItsBundle()
    {
        var org = NewId("org");
        var hash = new string('a', 64);
        var first = await Store.PutAsync(Put(org) with { ContentHash = hash }, Bundle("zipped once"), Ct);

        var second = await Store.PutAsync(Put(org) with { ContentHash = hash }, Bundle("zipped again, otherwise"), Ct);

        Assert.True(first.Created);
        Assert.Equal(hash, first.Metadata.SnapshotId);
        Assert.Equal(hash, first.Metadata.ContentHash);
        Assert.False(second.Created);
        Assert.Equal(hash, second.Metadata.SnapshotId);
        Assert.Equal(Bundle("zipped once"), await Store.GetBundleAsync(org, hash, Ct));
    }

    [Fact]
    public async Task Put_WithAGivenContentHashThatIsNotASha256_Throws()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.PutAsync(Put(NewId("org")) with { ContentHash = "../x" }, Bundle("x"), Ct));
    }

    [Fact]
    public async Task Put_DifferentContent_GetsNewIdAndLeavesTheFirstIntact()
    {
        var org = NewId("org");
        var first = await Store.PutAsync(Put(org), Bundle("one"), Ct);

        var second = await Store.PutAsync(Put(org), Bundle("two"), Ct);

        Assert.True(second.Created);
        Assert.NotEqual(first.Metadata.SnapshotId, second.Metadata.SnapshotId);
        Assert.Equal(Bundle("one"), await Store.GetBundleAsync(org, first.Metadata.SnapshotId, Ct));
        Assert.Equal(Bundle("two"), await Store.GetBundleAsync(org, second.Metadata.SnapshotId, Ct));
    }

    [Fact]
    public async Task Put_WithACallerId_NamesTheSnapshotByIt_AndKeepsTheContentHashBeside()
    {
        var org = NewId("org");
        var bytes = Bundle("week 48");

        var result = await Store.PutAsync(Put(org) with { SnapshotId = "week-48" }, bytes, Ct);

        Assert.True(result.Created);
        Assert.False(result.CallerIdTaken);
        Assert.Equal("week-48", result.Metadata.SnapshotId);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), result.Metadata.ContentHash);
        Assert.Equal(bytes, await Store.GetBundleAsync(org, "week-48", Ct));
        Assert.Equal("week-48", (await Store.GetMetadataAsync(org, "week-48", Ct))?.SnapshotId);
        Assert.Null(await Store.GetMetadataAsync(org, result.Metadata.ContentHash, Ct));
        Assert.Equal("week-48", (await Store.GetLatestAsync(org, Ct))?.SnapshotId);
    }

    [Fact]
    public async Task Put_TheSameContentUnderItsCallerIdAgain_ReturnsTheStoredSnapshot()
    {
        var org = NewId("org");
        var first = await Store.PutAsync(Put(org) with { SnapshotId = "week-48" }, Bundle("week 48"), Ct);
        Time.Advance(TimeSpan.FromHours(1));

        var again = await Store.PutAsync(Put(org) with { SnapshotId = "week-48" }, Bundle("week 48"), Ct);

        Assert.False(again.Created);
        Assert.False(again.CallerIdTaken);
        Assert.Equal((first.Metadata.SnapshotId, first.Metadata.ContentHash, first.Metadata.StoredAt), (again.Metadata.SnapshotId, again.Metadata.ContentHash, again.Metadata.StoredAt));
    }

    [Fact]
    public async Task Put_OtherContentUnderATakenCallerId_IsNamedByItsContentHash_AndLeavesTheFirstIntact()
    {
        var org = NewId("org");
        await Store.PutAsync(Put(org) with { SnapshotId = "week-48" }, Bundle("first"), Ct);

        var other = await Store.PutAsync(Put(org) with { SnapshotId = "week-48" }, Bundle("other"), Ct);
        var otherAgain = await Store.PutAsync(Put(org) with { SnapshotId = "week-48" }, Bundle("other"), Ct);

        Assert.True(other.Created);
        Assert.True(other.CallerIdTaken);
        Assert.Equal(other.Metadata.ContentHash, other.Metadata.SnapshotId);
        Assert.Equal(Bundle("first"), await Store.GetBundleAsync(org, "week-48", Ct));
        Assert.Equal(Bundle("other"), await Store.GetBundleAsync(org, other.Metadata.SnapshotId, Ct));
        Assert.False(otherAgain.Created);
        Assert.True(otherAgain.CallerIdTaken);
        Assert.Equal((other.Metadata.SnapshotId, other.Metadata.StoredAt), (otherAgain.Metadata.SnapshotId, otherAgain.Metadata.StoredAt));
    }

    [Theory]
    [InlineData("latest")]
    [InlineData("LATEST")]
    [InlineData("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")]
    public async Task Put_UnderTheLatestPointersNameOrAnotherContentsHash_IsNamedByItsOwnContentHash(string callerId)
    {
        var org = NewId("org");
        var earlier = await Store.PutAsync(Put(org), Bundle("earlier"), Ct);
        Time.Advance(TimeSpan.FromMinutes(1));

        var result = await Store.PutAsync(Put(org) with { SnapshotId = callerId }, Bundle("named " + callerId), Ct);

        Assert.True(result.CallerIdTaken);
        Assert.Equal(result.Metadata.ContentHash, result.Metadata.SnapshotId);
        Assert.Null(await Store.GetMetadataAsync(org, callerId, Ct));
        Assert.Equal(result.Metadata.SnapshotId, (await Store.GetLatestAsync(org, Ct))?.SnapshotId);
        Assert.Equal(Bundle("earlier"), await Store.GetBundleAsync(org, earlier.Metadata.SnapshotId, Ct));
    }

    [Fact]
    public async Task Put_SameContentConcurrently_ExactlyOneCallCreatesIt()
    {
        var org = NewId("org");

        var results = await RaceAsync(8, _ => Store.PutAsync(Put(org), Bundle("raced"), Ct));

        Assert.Single(results, r => r.Created);
        Assert.Single(results.Select(r => (r.Metadata.SnapshotId, r.Metadata.StoredAt)).Distinct());
    }

    [Fact]
    public async Task Put_SameContentInTwoOrgs_KeepsThemApart()
    {
        var (orgA, orgB) = (NewId("org"), NewId("org"));

        var a = await Store.PutAsync(Put(orgA), Bundle("shared"), Ct);
        var b = await Store.PutAsync(Put(orgB), Bundle("shared"), Ct);

        Assert.True(a.Created);
        Assert.True(b.Created);
        Assert.Equal(orgB, (await Store.GetMetadataAsync(orgB, b.Metadata.SnapshotId, Ct))!.OrgId);
    }

    [Fact]
    public async Task GetLatest_AfterSeveralPuts_ReturnsTheLastStored()
    {
        var org = NewId("org");
        await Store.PutAsync(Put(org), Bundle("v1"), Ct);
        Time.Advance(TimeSpan.FromMinutes(5));
        var second = await Store.PutAsync(Put(org), Bundle("v2"), Ct);
        Time.Advance(TimeSpan.FromMinutes(5));

        // Putting old content again stores nothing and does not move "latest" back.
        await Store.PutAsync(Put(org), Bundle("v1"), Ct);

        var latest = await Store.GetLatestAsync(org, Ct);
        Assert.Equal(second.Metadata.SnapshotId, latest?.SnapshotId);
        Assert.Equal(second.Metadata.StoredAt, latest?.StoredAt);
    }

    [Fact]
    public async Task GetLatest_TwoPutsAtTheSameInstant_BreaksTheTieByContentHash()
    {
        var org = NewId("org");
        var a = await Store.PutAsync(Put(org), Bundle("tie-a"), Ct);
        var b = await Store.PutAsync(Put(org), Bundle("tie-b"), Ct);

        var latest = await Store.GetLatestAsync(org, Ct);

        var expected = string.CompareOrdinal(a.Metadata.ContentHash, b.Metadata.ContentHash) > 0 ? a.Metadata : b.Metadata;
        Assert.Equal(expected.SnapshotId, latest?.SnapshotId);
    }

    [Fact]
    public async Task Get_UnknownOrgOrSnapshot_ReturnsNull()
    {
        var org = NewId("org");

        Assert.Null(await Store.GetLatestAsync(org, Ct));
        Assert.Null(await Store.GetMetadataAsync(org, new string('0', 64), Ct));
        Assert.Null(await Store.GetBundleAsync(org, new string('0', 64), Ct));
        Assert.Null(await Store.GetMetadataAsync(org, "not-a-hash", Ct));
    }

    [Fact]
    public async Task ListOrgs_AfterPuts_IncludesEachOrgOnceButNotOrgsWithOnlyRejectedBundles()
    {
        var (orgA, orgB, orgRejected) = (NewId("org"), NewId("org"), NewId("org"));
        await Store.PutAsync(Put(orgA), Bundle("a1"), Ct);
        await Store.PutAsync(Put(orgA), Bundle("a2"), Ct);
        await Store.PutAsync(Put(orgB), Bundle("b1"), Ct);
        await Store.PutRejectedAsync(orgRejected, Bundle("bad"), "{}", Ct);

        var orgs = await Store.ListOrgsAsync(Ct);

        Assert.Single(orgs, o => o == orgA);
        Assert.Single(orgs, o => o == orgB);
        Assert.DoesNotContain(orgRejected, orgs);
        Assert.Equal(orgs.Order(StringComparer.Ordinal), orgs);
    }

    [Fact]
    public async Task PutRejected_KeepsBundleAndReportUnderRejected()
    {
        var org = NewId("org");

        var rejected = await Store.PutRejectedAsync(org, Bundle("bad"), """{"errors":[{"file":"stock.csv","line":3,"message":"x"}]}""", Ct);

        Assert.StartsWith("rejected/" + org + "/", rejected.BundlePath, StringComparison.Ordinal);
        Assert.EndsWith(".errors.json", rejected.ReportPath, StringComparison.Ordinal);
        Assert.Null(await Store.GetLatestAsync(org, Ct));
    }
}
