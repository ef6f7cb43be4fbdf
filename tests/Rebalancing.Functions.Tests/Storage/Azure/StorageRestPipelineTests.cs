using Azure.Core;
using Azure.Core.Pipeline;
using Rebalancing.Functions.Storage;
using Rebalancing.Functions.Storage.Azure;
using Rebalancing.Functions.Tests.Harness;

namespace Rebalancing.Functions.Tests.Storage.Azure;

public sealed class StorageRestPipelineTests
{
    [Theory]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public void IsRetriableStatus_TransientStatus_IsRetried(int status)
    {
        Assert.True(StorageResponseClassifier.IsRetriableStatus(status));
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
    public void IsRetriableStatus_FinalStatus_IsNotRetried(int status)
    {
        Assert.False(StorageResponseClassifier.IsRetriableStatus(status));
    }

    [Fact]
    public async Task Send_TransientFailuresThenSuccess_SucceedsOnRetry()
    {
        var transport = new ScriptedTransport(503, 500, 200);
        var container = Container(transport);

        var blob = await container.GetAsync("org/a.json", CancellationToken.None);

        Assert.NotNull(blob);
        Assert.Equal(3, transport.Attempts);
        Assert.All(transport.Requests, r => Assert.StartsWith("SharedKey devstoreaccount1:", r, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Send_PreconditionFailed_IsAnsweredWithoutRetry()
    {
        var transport = new ScriptedTransport(412);
        var container = Container(transport);

        var replaced = await container.ReplaceAsync("org/latest.json", new byte[] { 1 }, "application/json", "\"etag\"", CancellationToken.None);

        Assert.False(replaced);
        Assert.Equal(1, transport.Attempts);
    }

    [Fact]
    public async Task Send_ServiceKeepsFailing_ThrowsStorageUnavailableAfterTheRetries()
    {
        var transport = new ScriptedTransport(503, 503, 503, 503, 503, 503);
        var container = Container(transport);

        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => container.GetAsync("org/a.json", CancellationToken.None));

        Assert.Equal(new StorageRestOptions().Retry.MaxRetries + 1, transport.Attempts);
        Assert.Contains("503", error.Message, StringComparison.Ordinal);
    }

    private static RestBlobContainer Container(ScriptedTransport transport)
    {
        var options = new StorageRestOptions { Transport = transport };
        options.Retry.Delay = TimeSpan.FromMilliseconds(1);
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(5);
        var account = StorageConnectionString.Parse("UseDevelopmentStorage=true");
        var pipeline = StorageRestPipeline.Create(options, StorageRestPipeline.SharedKey(account, new ManualTimeProvider()));
        return new RestBlobContainer(pipeline, account.BlobEndpoint, "snapshots");
    }

    /// <summary>Answers each attempt with the next scripted status.</summary>
    private sealed class ScriptedTransport(params int[] statuses) : HttpPipelineTransport
    {
        private int attempts;

        public int Attempts => attempts;

        public List<string> Requests { get; } = [];

        public override Request CreateRequest() => new HttpClientTransport().CreateRequest();

        public override void Process(HttpMessage message) => ProcessAsync(message).AsTask().GetAwaiter().GetResult();

        public override ValueTask ProcessAsync(HttpMessage message)
        {
            var status = statuses[Math.Min(attempts, statuses.Length - 1)];
            attempts++;
            message.Request.Headers.TryGetValue("Authorization", out var authorization);
            Requests.Add(authorization ?? string.Empty);
            message.Response = new ScriptedResponse(status);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class ScriptedResponse(int status) : global::Azure.Response
    {
        public override int Status => status;

        public override string ReasonPhrase => status.ToString(System.Globalization.CultureInfo.InvariantCulture);

        public override Stream? ContentStream { get; set; } = new MemoryStream("{}"u8.ToArray());

        public override string ClientRequestId { get; set; } = "test";

        public override void Dispose() => ContentStream?.Dispose();

        protected override bool ContainsHeader(string name) => TryGetHeader(name, out _);

        protected override IEnumerable<HttpHeader> EnumerateHeaders() => [new HttpHeader("ETag", "\"e1\"")];

        protected override bool TryGetHeader(string name, out string value)
        {
            value = "\"e1\"";
            return string.Equals(name, "ETag", StringComparison.OrdinalIgnoreCase);
        }

        protected override bool TryGetHeaderValues(string name, out IEnumerable<string> values)
        {
            var found = TryGetHeader(name, out var value);
            values = found ? [value] : [];
            return found;
        }
    }
}
