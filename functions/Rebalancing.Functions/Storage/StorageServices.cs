using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
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
    /// <summary>The item size limit of every document collection of these stores, and the largest item each has written.</summary>
    public DocumentSizes DocumentSizes { get; init; } = new();

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
        var sizes = new DocumentSizes();
        return new(
            new BlobSnapshotStore(new FileBlobContainer(blobs, SnapshotsContainer), new FileBlobContainer(blobs, RejectedContainer), time),
            new DocumentRunStore(new SqliteDocumentCollection(database, CosmosContainers.Runs, sizes), new SqliteDocumentCollection(database, CosmosContainers.Orgs, sizes), time),
            new DocumentTransferLedger(new SqliteDocumentCollection(database, CosmosContainers.Ledger, sizes)),
            new SqliteWorkQueueFactory(database, time))
        {
            Incoming = new FileBlobContainer(blobs, IncomingContainer),
            RunFiles = new FileBlobContainer(blobs, RunFilesContainer),
            DocumentSizes = sizes,
        };
    }

    /// <summary>
    /// Blob and Queue storage through the SDKs (a connection string, or the account endpoints with
    /// <see cref="Credential"/>) and Cosmos DB containers (which must exist: see <see cref="CosmosContainers.EnsureAsync"/>).
    /// </summary>
    public static StorageServices CreateAzure(AzureStorageOptions options, CosmosClient cosmos, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(cosmos);
        var credential = new Lazy<TokenCredential>(() => Credential(options));
        return CreateAzure(
            AzureStorageClients.CreateBlobService(options, () => credential.Value),
            AzureStorageClients.CreateQueueService(options, () => credential.Value),
            cosmos.GetDatabase(options.Database),
            time);
    }

    /// <summary>The azure stores on clients built elsewhere (tests shorten the retries this way).</summary>
    public static StorageServices CreateAzure(BlobServiceClient blobs, QueueServiceClient queues, Database cosmos, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(queues);
        ArgumentNullException.ThrowIfNull(cosmos);
        var sizes = new DocumentSizes();
        return new(
            new BlobSnapshotStore(new AzureBlobContainer(blobs.GetBlobContainerClient(SnapshotsContainer)), new AzureBlobContainer(blobs.GetBlobContainerClient(RejectedContainer)), time),
            new DocumentRunStore(new CosmosDocumentCollection(cosmos.GetContainer(CosmosContainers.Runs), sizes), new CosmosDocumentCollection(cosmos.GetContainer(CosmosContainers.Orgs), sizes), time),
            new DocumentTransferLedger(new CosmosDocumentCollection(cosmos.GetContainer(CosmosContainers.Ledger), sizes)),
            new AzureWorkQueueFactory(queues))
        {
            RunFiles = new AzureBlobContainer(blobs.GetBlobContainerClient(RunFilesContainer)),
            Incoming = new AzureBlobContainer(blobs.GetBlobContainerClient(IncomingContainer)),
            DocumentSizes = sizes,
        };
    }

    /// <summary>
    /// The credential of every Azure client (Blob, Queue, Cosmos DB without a key, Service Bus):
    /// <see cref="DefaultAzureCredential"/>, which is the managed identity in Azure (the user-assigned
    /// one when <see cref="AzureStorageOptions.ManagedIdentityClientId"/> is set) and a developer's
    /// sign-in elsewhere.
    /// </summary>
    public static TokenCredential Credential(AzureStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var credentialOptions = new DefaultAzureCredentialOptions();
        if (!string.IsNullOrWhiteSpace(options.ManagedIdentityClientId))
        {
            credentialOptions.ManagedIdentityClientId = options.ManagedIdentityClientId;
        }

        return new DefaultAzureCredential(credentialOptions);
    }
}

/// <summary>Queue names of the function app.</summary>
internal static class QueueNames
{
    /// <summary>Snapshots to ingest.</summary>
    public const string Ingest = "rebalancing-ingest";

    /// <summary>Dispatched outbox events.</summary>
    public const string Events = QueueEventSink.DefaultQueueName;
}
