using System.ComponentModel.DataAnnotations;

namespace Rebalancing.Functions.Storage;

/// <summary>Where the function app keeps its state.</summary>
internal enum StorageMode
{
    /// <summary>Local files and one SQLite database under <see cref="RebalancingStorageOptions.DataDir"/>.</summary>
    Embedded,

    /// <summary>Blob and Queue storage (Azurite counts) and Cosmos DB (the emulator counts).</summary>
    Azure,
}

/// <summary>The <c>Rebalancing</c> configuration section, as far as storage reads it.</summary>
internal sealed class RebalancingStorageOptions : IValidatableObject
{
    public const string SectionName = "Rebalancing";

    /// <summary><c>embedded</c> (default) or <c>azure</c>.</summary>
    public StorageMode Storage { get; set; } = StorageMode.Embedded;

    /// <summary>Where the embedded default keeps its data (default <c>.rebalancing</c>).</summary>
    [Required]
    public string DataDir { get; set; } = ".rebalancing";

    /// <summary>Connection settings of the azure mode.</summary>
    public AzureStorageOptions Azure { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Storage != StorageMode.Azure)
        {
            yield break;
        }

        if (string.IsNullOrWhiteSpace(Azure.StorageConnectionString) && (Azure.BlobEndpoint is null || Azure.QueueEndpoint is null))
        {
            yield return new ValidationResult(
                "Azure storage needs Rebalancing:Azure:StorageConnectionString, or Rebalancing:Azure:BlobEndpoint and QueueEndpoint (with managed identity).",
                [nameof(Azure)]);
        }

        if (Azure.CosmosEndpoint is null)
        {
            yield return new ValidationResult("Azure storage needs Rebalancing:Azure:CosmosEndpoint.", [nameof(Azure)]);
        }

        if (string.IsNullOrWhiteSpace(Azure.Database))
        {
            yield return new ValidationResult("Rebalancing:Azure:Database must not be empty.", [nameof(Azure)]);
        }
    }
}

/// <summary>Connection settings of Blob, Queue and Cosmos DB. Without keys, <see cref="StorageServices.Credential"/> (managed identity in Azure) is used.</summary>
internal sealed class AzureStorageOptions
{
    /// <summary>A storage connection string (<c>UseDevelopmentStorage=true</c> for Azurite on its default ports, or Azurite's explicit one).</summary>
    public string? StorageConnectionString { get; set; }

    /// <summary>Blob account URI used with the credential when there is no connection string, e.g. <c>https://ACCOUNT.blob.core.windows.net</c>.</summary>
    public Uri? BlobEndpoint { get; set; }

    /// <summary>Queue account URI used with the credential when there is no connection string, e.g. <c>https://ACCOUNT.queue.core.windows.net</c>.</summary>
    public Uri? QueueEndpoint { get; set; }

    /// <summary>The Cosmos DB account endpoint.</summary>
    public Uri? CosmosEndpoint { get; set; }

    /// <summary>The Cosmos DB key; the credential when absent.</summary>
    public string? CosmosKey { get; set; }

    /// <summary>The Cosmos DB database (default <c>rebalancing</c>).</summary>
    public string Database { get; set; } = "rebalancing";

    /// <summary>The client id of a user-assigned managed identity (storage, Cosmos DB and Service Bus); the system-assigned one when absent.</summary>
    public string? ManagedIdentityClientId { get; set; }
}
