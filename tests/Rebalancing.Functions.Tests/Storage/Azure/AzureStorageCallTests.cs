using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Rebalancing.Functions.Storage;
using Rebalancing.Functions.Storage.Azure;

namespace Rebalancing.Functions.Tests.Storage.Azure;

/// <summary>
/// The SDK adapters on a scripted transport: transient statuses are retried by the SDK with the
/// production retry settings, expected answers (404, 409, 412) come back as values without a retry,
/// and what is left after the retries is a <see cref="StorageUnavailableException"/>.
/// </summary>
public sealed class AzureStorageCallTests
{
    [Theory]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public void IsTransient_TransientStatus_IsTrue(int status)
    {
        Assert.True(AzureStorageCall.IsTransient(status));
    }

    [Theory]
    [InlineData(200)]
    [InlineData(201)]
    [InlineData(400)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(409)]
    [InlineData(412)]
    [InlineData(501)]
    [InlineData(505)]
    public void IsTransient_FinalStatus_IsFalse(int status)
    {
        Assert.False(AzureStorageCall.IsTransient(status));
    }

    [Fact]
    public async Task BlobGet_TransientFailuresThenSuccess_SucceedsOnTheSdksRetry()
    {
        var transport = new ScriptedTransport(503, 500, 200);

        var blob = await Container(transport).GetAsync("org/a.json", CancellationToken.None);

        Assert.NotNull(blob);
        Assert.Equal("{}"u8.ToArray(), blob.Content);
        Assert.Equal("\"e1\"", blob.ETag);
        Assert.Equal(3, transport.Attempts);
        Assert.All(transport.Authorizations, a => Assert.StartsWith("SharedKey devstoreaccount1:", a, StringComparison.Ordinal));
    }

    [Fact]
    public async Task BlobReplace_PreconditionFailed_IsFalseWithoutARetry()
    {
        var transport = new ScriptedTransport(412);

        var replaced = await Container(transport).ReplaceAsync("org/latest.json", new byte[] { 1 }, "application/json", "\"e0\"", CancellationToken.None);

        Assert.False(replaced);
        Assert.Equal(1, transport.Attempts);
    }

    [Fact]
    public async Task BlobGet_Missing_IsNullWithoutARetry()
    {
        var transport = new ScriptedTransport(404);

        Assert.Null(await Container(transport).GetAsync("org/a.json", CancellationToken.None));
        Assert.Equal(1, transport.Attempts);
    }

    [Fact]
    public async Task BlobGet_ServiceKeepsFailing_ThrowsStorageUnavailableAfterTheProductionRetries()
    {
        var transport = new ScriptedTransport(503);

        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => Container(transport).GetAsync("org/a.json", CancellationToken.None));

        Assert.Equal(AzureStorageClients.BlobOptions().Retry.MaxRetries + 1, transport.Attempts);
        Assert.Contains("kept answering 503", error.Message, StringComparison.Ordinal);
        Assert.Contains("Read blob snapshots/org/a.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:10000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BlobGet_NoAnswerAtAll_ThrowsStorageUnavailableSayingSo()
    {
        var transport = new ScriptedTransport(ScriptedTransport.NoAnswer);

        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => Container(transport).GetAsync("org/a.json", CancellationToken.None));

        Assert.Equal(AzureStorageClients.BlobOptions().Retry.MaxRetries + 1, transport.Attempts);
        Assert.Contains("did not answer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueueDelete_StaleReceipt_IsFalseWithoutARetry()
    {
        var transport = new ScriptedTransport(404);

        var deleted = await Queue(transport).DeleteAsync("m-1", "stale", CancellationToken.None);

        Assert.False(deleted);
        Assert.Equal(1, transport.Attempts);
    }

    [Fact]
    public async Task BlobGet_Forbidden_GoesToTheCallerAsItIs()
    {
        var transport = new ScriptedTransport(403);

        var error = await Assert.ThrowsAsync<global::Azure.RequestFailedException>(() => Container(transport).GetAsync("org/a.json", CancellationToken.None));

        Assert.Equal(403, error.Status);
        Assert.Equal(1, transport.Attempts);
    }

    private static AzureBlobContainer Container(ScriptedTransport transport)
    {
        var options = AzureStorageClients.BlobOptions();
        Fast(options, transport);
        return new AzureBlobContainer(new BlobServiceClient("UseDevelopmentStorage=true", options).GetBlobContainerClient("snapshots"));
    }

    private static AzureWorkQueue Queue(ScriptedTransport transport)
    {
        var options = AzureStorageClients.QueueOptions();
        Fast(options, transport);
        return new AzureWorkQueue(new QueueServiceClient("UseDevelopmentStorage=true", options), "work");
    }

    /// <summary>The production retry count, with the waits shortened.</summary>
    private static void Fast(ClientOptions options, ScriptedTransport transport)
    {
        options.Transport = transport;
        options.Retry.Delay = TimeSpan.FromMilliseconds(1);
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(5);
    }

    /// <summary>Answers each attempt with the next scripted status (the last one repeats); <see cref="NoAnswer"/> fails in transport.</summary>
    private sealed class ScriptedTransport(params int[] statuses) : HttpPipelineTransport
    {
        public const int NoAnswer = -1;

        private int attempts;

        public int Attempts => attempts;

        public List<string> Authorizations { get; } = [];

        public override Request CreateRequest() => new HttpClientTransport().CreateRequest();

        public override void Process(HttpMessage message) => ProcessAsync(message).AsTask().GetAwaiter().GetResult();

        public override ValueTask ProcessAsync(HttpMessage message)
        {
            var status = statuses[Math.Min(attempts, statuses.Length - 1)];
            attempts++;
            message.Request.Headers.TryGetValue("Authorization", out var authorization);
            Authorizations.Add(authorization ?? string.Empty);
            if (status == NoAnswer)
            {
                throw new global::Azure.RequestFailedException("Connection refused (127.0.0.1:10000)");
            }

            message.Response = new ScriptedResponse(status);
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>A 2xx answer carries <c>{}</c> with an ETag; an error answer carries the service's XML error body.</summary>
    private sealed class ScriptedResponse : global::Azure.Response
    {
        private readonly int status;
        private readonly Dictionary<string, string> headers = new(StringComparer.OrdinalIgnoreCase);

        public ScriptedResponse(int status)
        {
            this.status = status;
            var body = status < 400
                ? "{}"
                : $"<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>Scripted{status}</Code><Message>scripted</Message></Error>";
            ContentStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(body));
            headers["Content-Length"] = body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
            headers["Content-Type"] = status < 400 ? "application/json" : "application/xml";
            headers["ETag"] = "\"e1\"";
            headers["x-ms-blob-type"] = "BlockBlob";
            headers["Last-Modified"] = "Fri, 04 Dec 2026 00:00:00 GMT";
            if (status >= 400)
            {
                headers["x-ms-error-code"] = $"Scripted{status}";
            }
        }

        public override int Status => status;

        public override string ReasonPhrase => status.ToString(System.Globalization.CultureInfo.InvariantCulture);

        public override Stream? ContentStream { get; set; }

        public override string ClientRequestId { get; set; } = "test";

        public override void Dispose() => ContentStream?.Dispose();

        protected override bool ContainsHeader(string name) => headers.ContainsKey(name);

        protected override IEnumerable<HttpHeader> EnumerateHeaders() => headers.Select(h => new HttpHeader(h.Key, h.Value));

        protected override bool TryGetHeader(string name, out string value) => headers.TryGetValue(name, out value!);

        protected override bool TryGetHeaderValues(string name, out IEnumerable<string> values)
        {
            var found = headers.TryGetValue(name, out var value);
            values = found ? [value!] : [];
            return found;
        }
    }
}
