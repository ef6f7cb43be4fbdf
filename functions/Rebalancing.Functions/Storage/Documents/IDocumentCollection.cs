using System.Text.Json.Nodes;

namespace Rebalancing.Functions.Storage.Documents;

/// <summary>
/// The few document operations the stores need, shaped so that each is a point operation or a query
/// inside one partition (what both Cosmos DB and its emulator serve well). Documents carry
/// <c>id</c>, <c>pk</c> (the partition key) and <c>type</c>.
/// </summary>
internal interface IDocumentCollection
{
    Task<StoredDocument?> ReadAsync(string partitionKey, string id, CancellationToken cancellationToken);

    /// <summary>Creates the document unless one with the id exists: null then (nothing written).</summary>
    Task<StoredDocument?> CreateAsync(string partitionKey, string id, JsonObject document, CancellationToken cancellationToken);

    /// <summary>Replaces the document if its ETag is still <paramref name="ifMatch"/>: null when it changed or vanished.</summary>
    Task<StoredDocument?> ReplaceAsync(string partitionKey, string id, JsonObject document, string ifMatch, CancellationToken cancellationToken);

    /// <summary>Creates or overwrites.</summary>
    Task<StoredDocument> UpsertAsync(string partitionKey, string id, JsonObject document, CancellationToken cancellationToken);

    /// <summary>Deletes if the ETag is still <paramref name="ifMatch"/>; false when it changed or vanished.</summary>
    Task<bool> DeleteAsync(string partitionKey, string id, string ifMatch, CancellationToken cancellationToken);

    /// <summary>
    /// The documents of one type in one partition, optionally only those whose top-level string
    /// field meets <paramref name="condition"/>. Unordered: callers sort.
    /// </summary>
    Task<IReadOnlyList<StoredDocument>> QueryAsync(string partitionKey, string type, FieldCondition? condition, CancellationToken cancellationToken);

    Task CheckHealthAsync(CancellationToken cancellationToken);
}

/// <summary>A document as stored, with its ETag.</summary>
internal sealed record StoredDocument(JsonObject Document, string ETag);

/// <summary>A condition on a top-level string field (ordinal comparison).</summary>
internal sealed record FieldCondition(string Field, FieldComparison Comparison, string Value);

internal enum FieldComparison
{
    Equal,
    AtLeast,
}

/// <summary>The document fields every collection relies on.</summary>
internal static class DocumentFields
{
    public const string Id = "id";
    public const string PartitionKey = "pk";
    public const string Type = "type";
}
