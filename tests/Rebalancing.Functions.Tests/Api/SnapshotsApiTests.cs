using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Rebalancing.Functions.Tests.Support;

namespace Rebalancing.Functions.Tests.Api;

public sealed class SnapshotsApiTests : IDisposable
{
    private readonly FunctionApp app = new();

    [Fact]
    public async Task Upload_WithoutKey_Answers401ProblemDetails()
    {
        using var client = app.Anonymous();

        using var response = await client.PostAsync(new Uri("/api/orgs/acme/snapshots", UriKind.Relative), Zip(FunctionApp.SmallSnapshot("acme")));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(401, (await Json.ReadAsync(response)).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Get_WithAWrongKey_Answers401()
    {
        using var client = app.Anonymous();
        client.DefaultRequestHeaders.Add("x-functions-key", "not-the-key");

        using var response = await client.GetAsync(new Uri("/api/orgs/acme/snapshots/x", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Get_WithTheKeyInTheCodeQueryParameter_IsAuthorised()
    {
        using var client = app.Anonymous();

        using var response = await client.GetAsync(new Uri($"/api/orgs/acme/snapshots/missing?code={FunctionApp.ApiKey}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Health_WithoutKey_Answers200()
    {
        using var client = app.Anonymous();

        using var response = await client.GetAsync(new Uri("/api/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Upload_AValidSnapshot_Answers201WithIdHashAndRows_ThenGetAnswersItsMetadata()
    {
        using var client = app.Client();

        using var response = await client.PostAsync(new Uri("/api/orgs/acme/snapshots", UriKind.Relative), Zip(FunctionApp.SmallSnapshot("acme")));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await Json.ReadAsync(response);
        var id = body.GetProperty("snapshotId").GetString()!;
        Assert.Equal(64, body.GetProperty("contentHash").GetString()!.Length);
        Assert.True(body.GetProperty("rows").GetProperty("inventory.csv").GetInt64() > 0);
        Assert.EndsWith($"/api/orgs/acme/snapshots/{id}", response.Headers.Location!.OriginalString, StringComparison.Ordinal);

        using var get = await client.GetAsync(new Uri($"/api/orgs/acme/snapshots/{id}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var metadata = await Json.ReadAsync(get);
        Assert.Equal(id, metadata.GetProperty("snapshotId").GetString());
        Assert.Equal("acme", metadata.GetProperty("orgId").GetString());
    }

    [Fact]
    public async Task Upload_TheSameContentTwice_Answers200WithTheSameBody()
    {
        using var client = app.Client();
        var bundle = FunctionApp.SmallSnapshot("acme");
        using var first = await client.PostAsync(new Uri("/api/orgs/acme/snapshots", UriKind.Relative), Zip(bundle));

        using var second = await client.PostAsync(new Uri("/api/orgs/acme/snapshots", UriKind.Relative), Zip(bundle));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal((await Json.ReadAsync(first)).GetRawText(), (await Json.ReadAsync(second)).GetRawText());
    }

    [Fact]
    public async Task Upload_ASnapshotWithABadRow_Answers400WithFileLineMessage_AndKeepsItUnderRejected()
    {
        using var client = app.Client();
        var bundle = Corrupt(FunctionApp.SmallSnapshot("acme"), "inventory.csv", line: 3);

        using var response = await client.PostAsync(new Uri("/api/orgs/acme/snapshots", UriKind.Relative), Zip(bundle));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await Json.ReadAsync(response)).GetProperty("errors").EnumerateArray().ToList();
        Assert.Contains(errors, e => e.GetProperty("file").GetString() == "inventory.csv" && e.GetProperty("line").GetInt32() == 3 && e.GetProperty("message").GetString()!.Length > 0);
        var rejected = Directory.GetFiles(Path.Combine(app.DataDir, "blobs", "rejected"), "*", SearchOption.AllDirectories);
        Assert.Contains(rejected, f => f.EndsWith(".zip", StringComparison.Ordinal));
        Assert.Contains(rejected, f => f.EndsWith(".json", StringComparison.Ordinal) && File.ReadAllText(f).Contains("inventory.csv", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Upload_ABodyThatIsNotAZip_Answers400WithAnError()
    {
        using var client = app.Client();

        using var response = await client.PostAsync(new Uri("/api/orgs/acme/snapshots", UriKind.Relative), Zip("not a zip"u8.ToArray()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotEmpty((await Json.ReadAsync(response)).GetProperty("errors").EnumerateArray());
    }

    [Fact]
    public async Task Upload_WithAnotherContentType_Answers400()
    {
        using var client = app.Client();
        using var content = new StringContent("{}");

        using var response = await client.PostAsync(new Uri("/api/orgs/acme/snapshots", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Get_AnUnknownSnapshot_Answers404ProblemDetails()
    {
        using var client = app.Client();

        using var response = await client.GetAsync(new Uri("/api/orgs/acme/snapshots/nope", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    public void Dispose() => app.Dispose();

    internal static ByteArrayContent Zip(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        return content;
    }

    /// <summary>Replaces one data line of a file with a row of the wrong shape.</summary>
    internal static byte[] Corrupt(byte[] bundle, string file, int line)
    {
        using var input = new MemoryStream(bundle);
        using var output = new MemoryStream();
        using (var source = new ZipArchive(input, ZipArchiveMode.Read))
        using (var target = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in source.Entries)
            {
                using var reader = new StreamReader(entry.Open());
                var text = reader.ReadToEnd();
                if (entry.Name == file)
                {
                    var lines = text.Split('\n');
                    lines[line - 1] = "bad,row";
                    text = string.Join('\n', lines);
                }

                using var writer = new StreamWriter(target.CreateEntry(entry.Name).Open());
                writer.Write(text);
            }
        }

        return output.ToArray();
    }
}
