using System.Globalization;

namespace Rebalancing.Functions.Storage.Documents;

/// <summary>
/// A document was refused before it was sent: its serialized JSON exceeds
/// <see cref="DocumentSizes.MaxItemBytes"/>. Nothing was written. This is a data-model bug (a document
/// that grows with the data), not a transient failure: retrying cannot help.
/// </summary>
internal sealed class DocumentTooLargeException : Exception
{
    public DocumentTooLargeException()
    {
    }

    public DocumentTooLargeException(string message)
        : base(message)
    {
    }

    public DocumentTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DocumentTooLargeException(string container, string partitionKey, string id, long sizeBytes)
        : base(string.Create(
            CultureInfo.InvariantCulture,
            $"Document '{id}' (partition '{partitionKey}') in container '{container}' is {sizeBytes:N0} bytes of JSON, over the limit of {DocumentSizes.MaxItemBytes:N0} bytes; it was not written."))
    {
        Container = container;
        PartitionKey = partitionKey;
        Id = id;
        SizeBytes = sizeBytes;
    }

    /// <summary>The collection (Cosmos DB container) the document was meant for.</summary>
    public string? Container { get; }

    public string? PartitionKey { get; }

    public string? Id { get; }

    /// <summary>The document's serialized size in bytes.</summary>
    public long SizeBytes { get; }
}
