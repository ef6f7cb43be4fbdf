using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Microsoft.Azure.Cosmos;
using Rebalancing.Functions.Storage.Azure;
using Rebalancing.Functions.Storage.Blobs;
using Rebalancing.Functions.Storage.Documents;
using Rebalancing.Functions.Storage.Embedded;

namespace Rebalancing.Functions.Storage;

/// <summary>The stores of one backend, built together.</summary>
internal sealed record StorageServices(ISnapshotStore Snapshots, IRunStore Runs, ITransferLedger Ledger, IWorkQueueFactory Queues)
{
    /// <summary>The <c>incoming</c> container (folder) the ingestion queue's messages point into.</summary>
    public IBlobContainer? Incoming { get; init; }

    /// <summary>The <c>runs</c> container: each run's stage results and plan pages (see <c>Rebalances/RunFiles</c>).</summary>
    public required IBlobContainer RunFiles { get; init; }

    /// <summary>Blob container (or folder) names.</summary>
    public const string SnapshotsContainer = "snapshots";
    public const string RejectedContainer = "rejected";
    public const string IncomingContainer = "incoming";
    public const string RunFilesContainer = "runs";

    /// <summary>The embedded default: files under <c>{dataDir}/blobs</c>, one SQLite database <c>{dataDir}/rebalancing.db</c>.</summary>
    public static StorageServices CreateEmbedded(string dataDir, TimeProvider time)
    {
        var database = SqliteDatabase.Open(Path.Combine(dataDir, "rebalancing.db"));
        var blobs = Path.Combine(dataDir, "blobs");
        return new(
            new BlobSnapshotStore(new FileBlobContainer(blobs, SnapshotsContainer), new FileBlobContainer(blobs, RejectedContainer), time),
            new DocumentRunStore(new SqliteDocumentCollection(database, CosmosContainers.Runs), new SqliteDocumentCollection(database, CosmosContainers.Orgs), time),
            new DocumentTransferLedger(new SqliteDocumentCollection(database, CosmosContainers.Ledger)),
            new SqliteWorkQueueFactory(database, time))
        {
            Incoming = new FileBlobContainer(blobs, IncomingContainer),
            RunFiles = new FileBlobContainer(blobs, RunFilesContainer),
        };
    }

    /// <summary>Blob and Queue REST clients and Cosmos DB containers (which must exist: see <see cref="CosmosContainers.EnsureAsync"/>).</summary>
    public static StorageServices CreateAzure(AzureStorageOptions options, CosmosClient cosmos, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(cosmos);
        Uri blobEndpoint, queueEndpoint;
        HttpPipelinePolicy authentication;
        if (!string.IsNullOrWhiteSpace(options.StorageConnectionString))
        {
            var account = StorageConnectionString.Parse(options.StorageConnectionString);
            (blobEndpoint, queueEndpoint) = (account.BlobEndpoint, account.QueueEndpoint);
            // Request signatures carry the real time (the service rejects skewed dates), whatever clock the app runs on.
            authentication = StorageRestPipeline.SharedKey(account, TimeProvider.System);
        }
        else
        {
            blobEndpoint = options.BlobEndpoint ?? throw new InvalidOperationException("Rebalancing:Azure:BlobEndpoint is required without a connection string.");
            queueEndpoint = options.QueueEndpoint ?? throw new InvalidOperationException("Rebalancing:Azure:QueueEndpoint is required without a connection string.");
            authentication = StorageRestPipeline.Bearer(Credential(options));
        }

        var pipeline = StorageRestPipeline.Create(new StorageRestOptions(), authentication);
        var database = cosmos.GetDatabase(options.Database);
        return new(
            new BlobSnapshotStore(new RestBlobContainer(pipeline, blobEndpoint, SnapshotsContainer), new RestBlobContainer(pipeline, blobEndpoint, RejectedContainer), time),
            new DocumentRunStore(new CosmosDocumentCollection(database.GetContainer(CosmosContainers.Runs)), new CosmosDocumentCollection(database.GetContainer(CosmosContainers.Orgs)), time),
            new DocumentTransferLedger(new CosmosDocumentCollection(database.GetContainer(CosmosContainers.Ledger))),
            new RestWorkQueueFactory(pipeline, queueEndpoint))
        {
            Incoming = new RestBlobContainer(pipeline, blobEndpoint, IncomingContainer),
            RunFiles = new RestBlobContainer(pipeline, blobEndpoint, RunFilesContainer),
        };
    }

    /// <summary>The managed identity (user-assigned when a client id is configured).</summary>
    public static TokenCredential Credential(AzureStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.IsNullOrWhiteSpace(options.ManagedIdentityClientId)
            ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(options.ManagedIdentityClientId));
    }
}

/// <summary>Queue names of the function app.</summary>
internal static class QueueNames
{
    /// <summary>The orchestration's work items and timers.</summary>
    /// <summary>Snapshots to ingest.</summary>
    public const string Ingest = "rebalancing-ingest";

    /// <summary>Dispatched outbox events.</summary>
    public const string Events = QueueEventSink.DefaultQueueName;
}
