using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Rebalancing.Functions.Tests.Support;
using static Rebalancing.Functions.Tests.Api.RebalancesApiTests;

namespace Rebalancing.Functions.Tests.Api;

/// <summary>The snapshot routes over HTTP: keys, upload (validation, idempotence, limits, warnings) and metadata.</summary>
public sealed class SnapshotsApiTests : IDisposable
{
    private readonly FunctionApp app = new();

    [Fact]
    public async Task Upload_WithoutKey_Answers401ProblemDetails()
    {
        using var client = app.Anonymous();

        using var response = await client.PostAsync(Relative("/api/orgs/acme/snapshots"), Zip(FunctionApp.SmallSnapshot("acme")));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await ProblemAsync(response);
    }

    [Fact]
    public async Task Get_WithAWrongKey_Answers401()
    {
        using var client = app.Anonymous();
        client.DefaultRequestHeaders.Add("x-functions-key", "not-the-key");

        using var response = await client.GetAsync(Relative("/api/orgs/acme/snapshots/x"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Get_WithTheKeyInTheCodeQueryParameter_IsAuthorised()
    {
        using var client = app.Anonymous();

        using var response = await client.GetAsync(Relative($"/api/orgs/acme/snapshots/missing?code={FunctionApp.ApiKey}"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Get_WithAnEmptyKeyHeaderAndTheKeyInCode_IsAuthorised()
    {
        // Over a real socket: the in-memory test server drops a header without a value.
        using var served = new FunctionApp(kestrel: true);
        using var client = new HttpClient { BaseAddress = served.BaseUrl };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/orgs/acme/snapshots/missing?code={FunctionApp.ApiKey}");
        request.Headers.TryAddWithoutValidation("x-functions-key", "");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Health_WithoutKey_Answers200Healthy()
    {
        using var client = app.Anonymous();

        using var response = await client.GetAsync(Relative("/api/health"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("healthy", (await Json.ReadAsync(response)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Upload_AValidSnapshot_Answers201WithIdHashRowsAndNoWarnings_ThenGetAnswersItsMetadata()
    {
        using var client = app.Client();

        using var response = await client.PostAsync(Relative("/api/orgs/acme/snapshots"), Zip(FunctionApp.SmallSnapshot("acme")));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await Json.ReadAsync(response);
        var id = body.GetProperty("snapshotId").GetString()!;
        Assert.Equal(64, body.GetProperty("contentHash").GetString()!.Length);
        Assert.True(body.GetProperty("rows").GetProperty("inventory.csv").GetInt64() > 0);
        Assert.Empty(body.GetProperty("warnings").EnumerateArray());
        Assert.EndsWith($"/api/orgs/acme/snapshots/{id}", response.Headers.Location!.OriginalString, StringComparison.Ordinal);

        using var get = await client.GetAsync(Relative($"/api/orgs/acme/snapshots/{id}"));
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var metadata = await Json.ReadAsync(get);
        Assert.Equal(id, metadata.GetProperty("snapshotId").GetString());
        Assert.Equal("acme", metadata.GetProperty("orgId").GetString());
    }

    [Fact]
    public async Task Upload_TheSameBytesTwice_Answers200WithTheSameBody()
    {
        using var client = app.Client();
        var bundle = FunctionApp.SmallSnapshot("acme");
        using var first = await client.PostAsync(Relative("/api/orgs/acme/snapshots"), Zip(bundle));

        using var second = await client.PostAsync(Relative("/api/orgs/acme/snapshots"), Zip(bundle));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal((await Json.ReadAsync(first)).GetRawText(), (await Json.ReadAsync(second)).GetRawText());
    }

    [Fact]
    public async Task Upload_TheSameFilesRezippedInAnotherOrderCompressionAndTime_Answers200WithTheSameSnapshot()
    {
        using var client = app.Client();
        var bundle = FunctionApp.SmallSnapshot("acme");
        var rezipped = Rezip(bundle, reverse: true, CompressionLevel.NoCompression, new DateTimeOffset(2001, 2, 3, 4, 5, 6, TimeSpan.Zero));
        Assert.NotEqual(bundle, rezipped);
        using var first = await client.PostAsync(Relative("/api/orgs/acme/snapshots"), Zip(bundle));

        using var second = await client.PostAsync(Relative("/api/orgs/acme/snapshots"), Zip(rezipped));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var a = await Json.ReadAsync(first);
        var b = await Json.ReadAsync(second);
        Assert.Equal(a.GetProperty("snapshotId").GetString(), b.GetProperty("snapshotId").GetString());
        Assert.Equal(a.GetProperty("contentHash").GetString(), b.GetProperty("contentHash").GetString());
    }

    [Fact]
    public async Task Upload_TheSameFilesZippedOnAMac_IsTheSameSnapshot_WithoutWarnings()
    {
        using var client = app.Client();
        var bundle = FunctionApp.SmallSnapshot("acme");
        var zippedOnAMac = WithArchiverEntries(bundle, "__MACOSX/._nodes.csv", ".DS_Store", "._inventory.csv");
        using var first = await client.PostAsync(Relative("/api/orgs/acme/snapshots"), Zip(bundle));

        using var second = await client.PostAsync(Relative("/api/orgs/acme/snapshots"), Zip(zippedOnAMac));

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var body = await Json.ReadAsync(second);
        Assert.Equal((await Json.ReadAsync(first)).GetProperty("contentHash").GetString(), body.GetProperty("contentHash").GetString());
        Assert.Empty(body.GetProperty("warnings").EnumerateArray());
    }

    [Fact]
    public async Task Upload_FilesThatDifferInOneByte_AreTwoSnapshots()
    {
        using var client = app.Client();
        var bundle = FunctionApp.SmallSnapshot("acme");
        var changed = Edit(bundle, "snapshot.json", text => " " + text);
        Assert.NotEqual(Read(bundle, "snapshot.json"), Read(changed, "snapshot.json"));
        using var first = await client.PostAsync(Relative("/api/orgs/acme/snapshots"), Zip(bundle));

        using var second = await client.PostAsync(Relative("/api/orgs/acme/snapshots"), Zip(changed));

        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.NotEqual((await Json.ReadAsync(first)).GetProperty("snapshotId").GetString(), (await Json.ReadAsync(second)).GetProperty("snapshotId").GetString());
    }

    [Fact]
    public async Task Upload_ASnapshotWithASnapshotId_IsNamedByIt()
    {
        using var client = app.Client();

        using var response = await client.PostAsync(Relative("/api/orgs/acme/snapshots"), Zip(WithSnapshotId(FunctionApp.SmallSnapshot("acme"), "week-48")));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await Json.ReadAsync(response);
        Assert.Equal("week-48", body.GetProperty("snapshotId").GetString());
        Assert.Equal(64, body.GetProperty("contentHash").GetString()!.Length);
        Assert.Empty(body.GetProperty("warnings").EnumerateArray());
        Assert.EndsWith("/api/orgs/acme/snapshots/week-48", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        using var get = await client.GetAsync(Relative("/api/orgs/acme/snapshots/week-48"));
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(body.GetProperty("contentHash").GetString(), (await Json.ReadAsync(get)).GetProperty("contentHash").GetString());
    }

    [Fact]
    public async Task Upload_OtherContentUnderATakenSnapshotId_IsNamedByItsContentHash_WithAWarning_AndTheFirstKeepsTheId()
    {
        using var client = app.Client();
        using var first = await client.PostAsync(Relative("/api/orgs/acme/snapshots"), Zip(WithSnapshotId(FunctionApp.SmallSnapshot("acme", seed: 1), "week-48")));
        var firstHash = (await Json.ReadAsync(first)).GetProperty("contentHash").GetString();

        using var second = await client.PostAsync(Relative("/api/orgs/acme/snapshots"), Zip(WithSnapshotId(FunctionApp.SmallSnapshot("acme", seed: 2), "week-48")));

        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        var body = await Json.ReadAsync(second);
        Assert.Equal(body.GetProperty("contentHash").GetString(), body.GetProperty("snapshotId").GetString());
        var warning = Assert.Single(body.GetProperty("warnings").EnumerateArray());
        Assert.Equal("snapshot.json", warning.GetProperty("file").GetString());
        Assert.Contains("'week-48' already names other content", warning.GetProperty("message").GetString(), StringComparison.Ordinal);
        using var get = await client.GetAsync(Relative("/api/orgs/acme/snapshots/week-48"));
        Assert.Equal(firstHash, (await Json.ReadAsync(get)).GetProperty("contentHash").GetString());
    }

    [Fact]
    public async Task Upload_ASnapshotIdThatCannotBeAStorageId_IsNamedByTheContentHash_WithAWarning()
    {
        using var client = app.Client();

        using var response = await client.PostAsync(Relative("/api/orgs/acme/snapshots"), Zip(WithSnapshotId(FunctionApp.SmallSnapshot("acme"), "week 48/north")));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await Json.ReadAsync(response);
        Assert.Equal(body.GetProperty("contentHash").GetString(), body.GetProperty("snapshotId").GetString());
        var warning = Assert.Single(body.GetProperty("warnings").EnumerateArray());
        Assert.Contains("'week 48/north' cannot name a stored snapshot", warning.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upload_ASnapshotWithABadRow_Answers400WithFileLineMessage_AndKeepsItUnderRejected()
    {
        using var client = app.Client();
        var bundle = Corrupt(FunctionApp.SmallSnapshot("acme"), "inventory.csv", line: 3);

        using var response = await client.PostAsync(Relative("/api/orgs/acme/snapshots"), Zip(bundle));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await ProblemAsync(response)).GetProperty("errors").EnumerateArray().ToList();
        Assert.Contains(errors, e => e.GetProperty("file").GetString() == "inventory.csv" && e.GetProperty("line").GetInt32() == 3 && e.GetProperty("message").GetString()!.Length > 0);
        var rejected = Directory.GetFiles(Path.Combine(app.DataDir, "blobs", "rejected"), "*", SearchOption.AllDirectories);
        Assert.Contains(rejected, f => f.EndsWith(".zip", StringComparison.Ordinal));
        Assert.Contains(rejected, f => f.EndsWith(".json", StringComparison.Ordinal) && File.ReadAllText(f).Contains("inventory.csv", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Upload_ASnapshotOfAnotherOrg_Answers400NamingSnapshotJson()
    {
        using var client = app.Client();

        using var response = await client.PostAsync(Relative("/api/orgs/acme/snapshots"), Zip(FunctionApp.SmallSnapshot("globex")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = Assert.Single((await ProblemAsync(response)).GetProperty("errors").EnumerateArray());
        Assert.Equal("snapshot.json", error.GetProperty("file").GetString());
        Assert.Contains("globex", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Null(await app.Get<Rebalancing.Functions.Storage.StorageServices>().Snapshots.GetLatestAsync("acme", CancellationToken.None));
    }

    [Fact]
    public async Task Upload_WithAnUnknownColumn_Answers201WithAWarningNamingTheFile()
    {
        using var client = app.Client();
        var bundle = Edit(FunctionApp.SmallSnapshot("acme"), "nodes.csv", AddColumn);

        using var response = await client.PostAsync(Relative("/api/orgs/acme/snapshots"), Zip(bundle));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var warning = Assert.Single((await Json.ReadAsync(response)).GetProperty("warnings").EnumerateArray());
        Assert.Equal("nodes.csv", warning.GetProperty("file").GetString());
        Assert.Contains("colour", warning.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upload_WithAFileTheFormatDoesNotName_IgnoresItWithAWarning_AndTheSnapshotIsTheSameWithoutIt()
    {
        using var client = app.Client();
        var bundle = FunctionApp.SmallSnapshot("acme");
        var withReadme = AddEntry(bundle, "README.txt", "exported by the ERP");
        using var plain = await client.PostAsync(Relative("/api/orgs/acme/snapshots"), Zip(bundle));

        using var response = await client.PostAsync(Relative("/api/orgs/acme/snapshots"), Zip(withReadme));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Json.ReadAsync(response);
        var warning = Assert.Single(body.GetProperty("warnings").EnumerateArray());
        Assert.Equal("README.txt", warning.GetProperty("file").GetString());
        Assert.Contains("ignored", warning.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal((await Json.ReadAsync(plain)).GetProperty("snapshotId").GetString(), body.GetProperty("snapshotId").GetString());
    }

    [Theory]
    [InlineData("../x.csv")]
    [InlineData("dir/x.csv")]
    [InlineData("/etc/x.csv")]
    [InlineData("dir\\x.csv")]
    public async Task Upload_WithAnEntryThatHasAPath_Answers400NamingTheEntry(string entry)
    {
        using var client = app.Client();
        var bundle = AddEntry(FunctionApp.SmallSnapshot("acme"), entry, "a,b\n1,2\n");

        using var response = await client.PostAsync(Relative("/api/orgs/acme/snapshots"), Zip(bundle));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await ProblemAsync(response)).GetProperty("errors").EnumerateArray().ToList();
        Assert.Contains(errors, e => e.GetProperty("file").GetString() == entry && e.GetProperty("message").GetString()!.Contains("path", StringComparison.Ordinal));
        Assert.Null(await app.Get<Rebalancing.Functions.Storage.StorageServices>().Snapshots.GetLatestAsync("acme", CancellationToken.None));
    }

    [Fact]
    public async Task Upload_AZippedFolder_Answers201WithTheSameSnapshotAsTheFilesAtTheRoot()
    {
        using var client = app.Client();
        var bundle = FunctionApp.SmallSnapshot("acme");
        using var atRoot = await client.PostAsync(Relative("/api/orgs/acme/snapshots"), Zip(bundle));

        using var inFolder = await client.PostAsync(Relative("/api/orgs/acme/snapshots"), Zip(Rezip(bundle, reverse: false, CompressionLevel.Optimal, null, folder: "acme-2026-03-01/")));

        Assert.Equal(HttpStatusCode.Created, atRoot.StatusCode);
        Assert.Equal(HttpStatusCode.OK, inFolder.StatusCode);
        Assert.Equal((await Json.ReadAsync(atRoot)).GetProperty("snapshotId").GetString(), (await Json.ReadAsync(inFolder)).GetProperty("snapshotId").GetString());
    }

    [Fact]
    public async Task Upload_ForAnInvalidOrgId_Answers400NamingOrgId()
    {
        using var client = app.Client();

        using var response = await client.PostAsync(Relative("/api/orgs/ac%20me/snapshots"), Zip(FunctionApp.SmallSnapshot("acme")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("orgId", (await ProblemAsync(response)).GetProperty("errors")[0].GetProperty("path").GetString());
    }

    [Fact]
    public async Task Upload_ABodyThatIsNotAZip_Answers400WithAnError()
    {
        using var client = app.Client();

        using var response = await client.PostAsync(Relative("/api/orgs/acme/snapshots"), Zip("not a zip"u8.ToArray()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotEmpty((await ProblemAsync(response)).GetProperty("errors").EnumerateArray());
    }

    [Fact]
    public async Task Upload_WithAnotherContentType_Answers400NamingContentType()
    {
        using var client = app.Client();
        using var content = new StringContent("{}", Encoding.UTF8, "application/json");

        using var response = await client.PostAsync(Relative("/api/orgs/acme/snapshots"), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Content-Type", (await ProblemAsync(response)).GetProperty("errors")[0].GetProperty("path").GetString());
    }

    [Fact]
    public async Task Upload_ABodyOver256MB_Answers413ProblemDetails()
    {
        using var client = app.Client();
        using var content = new ZerosContent(256L * 1024 * 1024 + 1);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");

        using var response = await client.PostAsync(Relative("/api/orgs/acme/snapshots"), content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("Payload Too Large", (await ProblemAsync(response)).GetProperty("title").GetString());
    }

    [Fact]
    public async Task Get_AnUnknownSnapshot_Answers404ProblemDetails()
    {
        using var client = app.Client();

        using var response = await client.GetAsync(Relative("/api/orgs/acme/snapshots/nope"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await ProblemAsync(response);
    }

    public void Dispose() => app.Dispose();

    internal static ByteArrayContent Zip(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        return content;
    }

    /// <summary>Replaces one data line of a file with a row of the wrong shape.</summary>
    internal static byte[] Corrupt(byte[] bundle, string file, int line) =>
        Edit(bundle, file, text =>
        {
            var lines = text.Split('\n');
            lines[line - 1] = "bad,row";
            return string.Join('\n', lines);
        });

    /// <summary>The bundle with one file's text rewritten (the other entries as they were, in the same order).</summary>
    private static byte[] WithArchiverEntries(byte[] bundle, params string[] names)
    {
        using var stream = new MemoryStream();
        stream.Write(bundle);
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Update, leaveOpen: true))
        {
            foreach (var name in names)
            {
                using var entry = archive.CreateEntry(name).Open();
                entry.Write("\0\u0005\u0016\u0007"u8);
            }
        }

        return stream.ToArray();
    }

    private static byte[] WithSnapshotId(byte[] bundle, string snapshotId) =>
        Edit(bundle, "snapshot.json", text =>
        {
            var header = System.Text.Json.Nodes.JsonNode.Parse(text)!.AsObject();
            header["snapshot_id"] = snapshotId;
            return header.ToJsonString();
        });

    internal static byte[] Edit(byte[] bundle, string file, Func<string, string> edit) =>
        Rewrite(bundle, entries => [.. entries.Select(e => e.Name == file ? (e.Name, Encoding.UTF8.GetBytes(edit(Encoding.UTF8.GetString(e.Bytes)))) : e)]);

    internal static byte[] AddEntry(byte[] bundle, string name, string text) =>
        Rewrite(bundle, entries => [.. entries, (name, Encoding.UTF8.GetBytes(text))]);

    /// <summary>The same files zipped again: in reverse order or not, at another compression level, stamped with another time, inside a folder.</summary>
    internal static byte[] Rezip(byte[] bundle, bool reverse, CompressionLevel level, DateTimeOffset? stamp, string folder = "") =>
        Rewrite(bundle, entries => reverse ? [.. Enumerable.Reverse(entries)] : entries, level, stamp, folder);

    private static string Read(byte[] bundle, string file)
    {
        using var zip = new ZipArchive(new MemoryStream(bundle), ZipArchiveMode.Read);
        using var reader = new StreamReader(zip.GetEntry(file)!.Open());
        return reader.ReadToEnd();
    }

    private static string AddColumn(string csv)
    {
        var lines = csv.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length > 0)
            {
                lines[i] = lines[i].TrimEnd('\r') + (i == 0 ? ",colour" : ",red") + (lines[i].EndsWith('\r') ? "\r" : "");
            }
        }

        return string.Join('\n', lines);
    }

    private static byte[] Rewrite(
        byte[] bundle, Func<List<(string Name, byte[] Bytes)>, List<(string Name, byte[] Bytes)>> change,
        CompressionLevel level = CompressionLevel.Fastest, DateTimeOffset? stamp = null, string folder = "")
    {
        var entries = new List<(string Name, byte[] Bytes)>();
        using (var source = new ZipArchive(new MemoryStream(bundle), ZipArchiveMode.Read))
        {
            foreach (var entry in source.Entries)
            {
                using var stream = entry.Open();
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                entries.Add((entry.FullName, copy.ToArray()));
            }
        }

        using var output = new MemoryStream();
        using (var target = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in change(entries))
            {
                var entry = target.CreateEntry(folder + name, level);
                if (stamp is { } at)
                {
                    entry.LastWriteTime = at;
                }

                using var stream = entry.Open();
                stream.Write(bytes);
            }
        }

        return output.ToArray();
    }

    /// <summary>A body of <paramref name="length"/> zero bytes that is never held in memory, with its Content-Length.</summary>
    private sealed class ZerosContent(long length) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            var chunk = new byte[1 << 20];
            for (var left = length; left > 0; left -= chunk.Length)
            {
                await stream.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, left)));
            }
        }

        protected override bool TryComputeLength(out long length1)
        {
            length1 = length;
            return true;
        }
    }
}
