using Rebalancing.Functions.Storage;
using Rebalancing.Functions.Storage.Documents;

namespace Rebalancing.Functions.Tests.Storage.Contracts;

/// <summary>
/// The item size guard: no adapter writes a document whose JSON exceeds
/// <see cref="DocumentSizes.MaxItemBytes"/> (the Cosmos emulator itself would take it), and each
/// reports the largest item it wrote.
/// </summary>
public abstract class DocumentSizeContract : StorageContract
{
    private IRunStore Store => Services.Runs;

    private RunDocument Run(string runId, int padding) =>
        new(runId, "org-size", "Pending", Time.GetUtcNow(), Time.GetUtcNow(), Json(new { pad = new string('x', padding) }));

    /// <summary>The padding that makes a run document exactly <paramref name="bytes"/> of JSON (ids of the same length, ASCII padding: size grows one for one).</summary>
    private async Task<int> PaddingForAsync(long bytes)
    {
        var probe = Run(NewId("run"), 1000);
        await Store.CreateAsync(probe, Ct);
        var probeSize = Services.DocumentSizes.LargestItemBytesIn("runs");
        return checked((int)(1000 + bytes - probeSize));
    }

    [Fact]
    public async Task Create_DocumentOfExactlyTheLimit_IsWrittenAndReportedAsTheLargestItem()
    {
        var padding = await PaddingForAsync(DocumentSizes.MaxItemBytes);
        var run = Run(NewId("run"), padding);

        var created = await Store.CreateAsync(run, Ct);

        Assert.True(created.Created);
        Assert.Equal(DocumentSizes.MaxItemBytes, Services.DocumentSizes.LargestItemBytesIn("runs"));
        Assert.Equal(DocumentSizes.MaxItemBytes, Services.DocumentSizes.LargestItemBytes);
        Assert.Equal(padding, (await Store.GetAsync(run.RunId, Ct))!.Value.Body.GetProperty("pad").GetString()!.Length);
    }

    [Fact]
    public async Task Create_DocumentOneByteOverTheLimit_IsRefusedBeforeItIsSent_NamingContainerPartitionIdAndSize()
    {
        var padding = await PaddingForAsync(DocumentSizes.MaxItemBytes + 1);
        var run = Run(NewId("run"), padding);
        var largestBefore = Services.DocumentSizes.LargestItemBytes;

        var error = await Assert.ThrowsAsync<DocumentTooLargeException>(() => Store.CreateAsync(run, Ct));

        Assert.Equal("runs", error.Container);
        Assert.Equal(run.RunId, error.PartitionKey);
        Assert.Equal(run.RunId, error.Id);
        Assert.Equal(DocumentSizes.MaxItemBytes + 1, error.SizeBytes);
        Assert.Contains("'runs'", error.Message, StringComparison.Ordinal);
        Assert.Contains(run.RunId, error.Message, StringComparison.Ordinal);
        Assert.Contains("1,048,577 bytes", error.Message, StringComparison.Ordinal);
        Assert.Null(await Store.GetAsync(run.RunId, Ct));
        Assert.Equal(largestBefore, Services.DocumentSizes.LargestItemBytes);
    }

    [Fact]
    public async Task Replace_WithADocumentOverTheLimit_IsRefusedAndTheStoredRunIsUnchanged()
    {
        var created = await Store.CreateAsync(Run(NewId("run"), 10), Ct);

        await Assert.ThrowsAsync<DocumentTooLargeException>(
            () => Store.ReplaceAsync(created.Stored.Value with { Body = Json(new { pad = new string('x', 2 * DocumentSizes.MaxItemBytes) }) }, created.Stored.ETag, Ct));

        var read = await Store.GetAsync(created.Stored.Value.RunId, Ct);
        Assert.Equal(created.Stored.ETag, read!.ETag);
        Assert.Equal(10, read.Value.Body.GetProperty("pad").GetString()!.Length);
    }

    [Fact]
    public async Task RecordTotals_UpsertOverTheLimit_IsRefusedInTheLedgerToo()
    {
        var totals = new AppliedTotals("org-size", NewId("run"), 1, 1, 1m, "snapshot-1", new string('h', DocumentSizes.MaxItemBytes), Time.GetUtcNow());

        var error = await Assert.ThrowsAsync<DocumentTooLargeException>(() => Services.Ledger.RecordTotalsAsync(totals, Ct));

        Assert.Equal("ledger", error.Container);
        Assert.Null(await Services.Ledger.GetTotalsAsync(totals.OrgId, totals.RunId, Ct));
    }
}
