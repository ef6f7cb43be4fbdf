using Azure.Core;
using Azure.Core.Pipeline;

namespace Rebalancing.Functions.Storage.Azure;

/// <summary>
/// The Azure.Core pipeline of the Blob and Queue REST clients: a pinned service version, retries with
/// exponential back-off on <see cref="StorageResponseClassifier"/>'s transient statuses and on
/// connection failures, and either Shared Key or a bearer token (managed identity) per attempt.
/// </summary>
internal static class StorageRestPipeline
{
    /// <summary>The REST API version every request pins (<c>x-ms-version</c>).</summary>
    public const string ServiceVersion = "2021-08-06";

    /// <summary>The token scope of Azure Storage for a <see cref="TokenCredential"/>.</summary>
    public const string StorageScope = "https://storage.azure.com/.default";

    public static HttpPipeline Create(StorageRestOptions options, HttpPipelinePolicy authentication)
    {
        ArgumentNullException.ThrowIfNull(options);
        var pipelineOptions = new HttpPipelineOptions(options)
        {
            ResponseClassifier = new StorageResponseClassifier(),
        };
        pipelineOptions.PerCallPolicies.Add(new VersionPolicy());
        pipelineOptions.PerRetryPolicies.Add(authentication);
        return HttpPipelineBuilder.Build(pipelineOptions);
    }

    public static HttpPipelinePolicy SharedKey(StorageConnectionString account, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(account);
        return new SharedKeyPolicy(account.AccountName, account.AccountKey, time);
    }

    public static HttpPipelinePolicy Bearer(TokenCredential credential) => new BearerTokenAuthenticationPolicy(credential, StorageScope);

    private sealed class VersionPolicy : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message) => message.Request.Headers.SetValue("x-ms-version", ServiceVersion);
    }
}

/// <summary>Client options (retry, transport, diagnostics) of the REST clients.</summary>
internal sealed class StorageRestOptions : ClientOptions
{
    public StorageRestOptions()
    {
        Retry.Mode = RetryMode.Exponential;
        Retry.MaxRetries = 4;
        Retry.Delay = TimeSpan.FromMilliseconds(200);
        Retry.MaxDelay = TimeSpan.FromSeconds(5);
        Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
        Diagnostics.IsLoggingContentEnabled = false;
    }
}
