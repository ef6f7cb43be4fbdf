using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rebalancing.Functions.Storage.Documents;

/// <summary>
/// The item size limit every document collection applies before it writes, and the largest item
/// each container has written. The limit is <see cref="MaxItemBytes"/> of serialized JSON: half of
/// Cosmos DB's 2 MB item limit (which the emulator does not enforce), so that a document growing with
/// the data fails on every adapter, in tests too, long before Cosmos DB would refuse it.
/// One instance is shared by the collections of one <see cref="StorageServices"/>.
/// </summary>
internal sealed class DocumentSizes
{
    /// <summary>The largest serialized document (UTF-8 JSON, as sent) any collection writes: 1 MB.</summary>
    public const int MaxItemBytes = 1_048_576;

    private readonly ConcurrentDictionary<string, long> largest = new(StringComparer.Ordinal);

    /// <summary>The size in bytes of the largest document written through any collection sharing this instance; 0 before the first write.</summary>
    public long LargestItemBytes => largest.IsEmpty ? 0 : largest.Values.Max();

    /// <summary>The size in bytes of the largest document written to <paramref name="container"/>; 0 before the first write.</summary>
    public long LargestItemBytesIn(string container) => largest.TryGetValue(container, out var bytes) ? bytes : 0;

    /// <summary>The document as the UTF-8 JSON to send; <see cref="DocumentTooLargeException"/> (nothing sent) when it exceeds <see cref="MaxItemBytes"/>.</summary>
    public static byte[] Serialize(string container, string partitionKey, string id, JsonObject document)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(document);
        return json.Length <= MaxItemBytes
            ? json
            : throw new DocumentTooLargeException(container, partitionKey, id, json.Length);
    }

    /// <summary>Records a document of <paramref name="bytes"/> written to <paramref name="container"/>.</summary>
    public void Written(string container, long bytes) =>
        largest.AddOrUpdate(container, bytes, (_, known) => Math.Max(known, bytes));
}
