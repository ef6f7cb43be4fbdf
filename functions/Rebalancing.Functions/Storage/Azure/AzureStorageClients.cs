using Azure.Core;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace Rebalancing.Functions.Storage.Azure;

/// <summary>
/// The Blob and Queue service clients of the azure mode: from a connection string (Azurite:
/// <c>UseDevelopmentStorage=true</c> or its explicit string) when one is set, otherwise from the
/// account endpoints and a <see cref="TokenCredential"/> (managed identity in Azure).
/// </summary>
internal static class AzureStorageClients
{
    /// <summary>Retries of every Blob and Queue call: exponential back-off, 4 retries, 200 ms to 5 s, 30 s per attempt.</summary>
    public static void ConfigureRetry(RetryOptions retry)
    {
        ArgumentNullException.ThrowIfNull(retry);
        retry.Mode = RetryMode.Exponential;
        retry.MaxRetries = 4;
        retry.Delay = TimeSpan.FromMilliseconds(200);
        retry.MaxDelay = TimeSpan.FromSeconds(5);
        retry.NetworkTimeout = TimeSpan.FromSeconds(30);
    }

    public static BlobClientOptions BlobOptions()
    {
        var options = new BlobClientOptions();
        ConfigureRetry(options.Retry);
        options.Diagnostics.IsLoggingContentEnabled = false;
        return options;
    }

    /// <summary>No SDK encoding: <see cref="AzureWorkQueue"/> writes base64 itself and reads other producers' plain text too.</summary>
    public static QueueClientOptions QueueOptions()
    {
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None };
        ConfigureRetry(options.Retry);
        options.Diagnostics.IsLoggingContentEnabled = false;
        return options;
    }

    public static BlobServiceClient CreateBlobService(AzureStorageOptions options, Func<TokenCredential> credential, BlobClientOptions? clientOptions = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(credential);
        clientOptions ??= BlobOptions();
        return string.IsNullOrWhiteSpace(options.StorageConnectionString)
            ? new BlobServiceClient(options.BlobEndpoint ?? throw Missing(nameof(options.BlobEndpoint)), credential(), clientOptions)
            : new BlobServiceClient(options.StorageConnectionString, clientOptions);
    }

    public static QueueServiceClient CreateQueueService(AzureStorageOptions options, Func<TokenCredential> credential, QueueClientOptions? clientOptions = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(credential);
        clientOptions ??= QueueOptions();
        return string.IsNullOrWhiteSpace(options.StorageConnectionString)
            ? new QueueServiceClient(options.QueueEndpoint ?? throw Missing(nameof(options.QueueEndpoint)), credential(), clientOptions)
            : new QueueServiceClient(options.StorageConnectionString, clientOptions);
    }

    private static InvalidOperationException Missing(string key) =>
        new($"Rebalancing:Azure:{key} is required without Rebalancing:Azure:StorageConnectionString.");
}
