using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Azure.Cosmos;
using Rebalancing.Functions.Storage.Documents;

namespace Rebalancing.Functions.Storage.Azure;

/// <summary>
/// A document collection in a Cosmos DB container partitioned on <c>/pk</c>, through the SDK's
/// stream API (no exceptions for the expected 404/409/412). Only point operations and
/// single-partition queries (partition key set, <c>EnableOptimisticDirectExecution</c>), which the
/// Cosmos emulator used in tests supports and production Cosmos serves cheapest. Every write is
/// checked against <see cref="DocumentSizes.MaxItemBytes"/> before it is sent.
/// </summary>
internal sealed class CosmosDocumentCollection(Container container, DocumentSizes? sizes = null) : IDocumentCollection
{
    /// <summary>The size limit's bookkeeping: the largest document this collection (and those sharing it) wrote.</summary>
    public DocumentSizes Sizes { get; } = sizes ?? new();

    public Task<StoredDocument?> ReadAsync(string partitionKey, string id, CancellationToken cancellationToken) =>
        Call($"Read {id}", async () =>
        {
            using var response = await container.ReadItemStreamAsync(id, new PartitionKey(partitionKey), cancellationToken: cancellationToken).ConfigureAwait(false);
            return response.StatusCode == HttpStatusCode.NotFound ? null : await ReadDocumentAsync(response, cancellationToken).ConfigureAwait(false);
        });

    public Task<StoredDocument?> CreateAsync(string partitionKey, string id, JsonObject document, CancellationToken cancellationToken) =>
        Call($"Create {id}", async () =>
        {
            using var body = Serialize(partitionKey, id, document);
            using var response = await container.CreateItemStreamAsync(body, new PartitionKey(partitionKey), cancellationToken: cancellationToken).ConfigureAwait(false);
            return response.StatusCode == HttpStatusCode.Conflict ? null : Written(response, document, body.Length);
        });

    public Task<StoredDocument?> ReplaceAsync(string partitionKey, string id, JsonObject document, string ifMatch, CancellationToken cancellationToken) =>
        Call($"Replace {id}", async () =>
        {
            using var body = Serialize(partitionKey, id, document);
            var options = new ItemRequestOptions { IfMatchEtag = ifMatch };
            using var response = await container.ReplaceItemStreamAsync(body, id, new PartitionKey(partitionKey), options, cancellationToken).ConfigureAwait(false);
            return response.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound ? null : Written(response, document, body.Length);
        });

    public async Task<StoredDocument> UpsertAsync(string partitionKey, string id, JsonObject document, CancellationToken cancellationToken) =>
        (await Call($"Upsert {id}", async () =>
        {
            using var body = Serialize(partitionKey, id, document);
            using var response = await container.UpsertItemStreamAsync(body, new PartitionKey(partitionKey), cancellationToken: cancellationToken).ConfigureAwait(false);
            return Written(response, document, body.Length);
        }).ConfigureAwait(false))!;

    public async Task<bool> DeleteAsync(string partitionKey, string id, string ifMatch, CancellationToken cancellationToken) =>
        await Call($"Delete {id}", async () =>
        {
            var options = new ItemRequestOptions { IfMatchEtag = ifMatch };
            using var response = await container.DeleteItemStreamAsync(id, new PartitionKey(partitionKey), options, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
            {
                return false;
            }

            response.EnsureSuccessStatusCode();
            return true;
        }).ConfigureAwait(false);

    public Task<IReadOnlyList<StoredDocument>> QueryAsync(string partitionKey, string type, FieldCondition? condition, CancellationToken cancellationToken) =>
        Call<IReadOnlyList<StoredDocument>>($"Query {type}", async () =>
        {
            // The partition key is named in the WHERE clause and set on the request: a single-partition query.
            var sql = "SELECT * FROM c WHERE c.pk = @pk AND c.type = @type";
            if (condition is not null)
            {
                if (!condition.Field.All(char.IsAsciiLetterOrDigit))
                {
                    throw new ArgumentException($"'{condition.Field}' is not a plain field name.", nameof(condition));
                }

                sql += condition.Comparison == FieldComparison.Equal ? $" AND c.{condition.Field} = @value" : $" AND c.{condition.Field} >= @value";
            }

            var query = new QueryDefinition(sql).WithParameter("@pk", partitionKey).WithParameter("@type", type);
            if (condition is not null)
            {
                query = query.WithParameter("@value", condition.Value);
            }

            var options = new QueryRequestOptions { PartitionKey = new PartitionKey(partitionKey), EnableOptimisticDirectExecution = true };
            var results = new List<StoredDocument>();
            using var iterator = container.GetItemQueryStreamIterator(query, requestOptions: options);
            while (iterator.HasMoreResults)
            {
                using var response = await iterator.ReadNextAsync(cancellationToken).ConfigureAwait(false);
                response.EnsureSuccessStatusCode();
                var page = await JsonNode.ParseAsync(response.Content, cancellationToken: cancellationToken).ConfigureAwait(false);
                foreach (var item in page?["Documents"]?.AsArray() ?? [])
                {
                    var document = item!.AsObject();
                    results.Add(new(document, document["_etag"]?.GetValue<string>() ?? string.Empty));
                }
            }

            return results;
        });

    public Task CheckHealthAsync(CancellationToken cancellationToken) =>
        Call("Read container", async () =>
        {
            using var response = await container.ReadContainerStreamAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            return true;
        });

    /// <summary>The document's JSON; <see cref="DocumentTooLargeException"/> before anything is sent when it is over the limit.</summary>
    private MemoryStream Serialize(string partitionKey, string id, JsonObject document) =>
        new(DocumentSizes.Serialize(container.Id, partitionKey, id, document));

    private StoredDocument Written(ResponseMessage response, JsonObject document, long bytes)
    {
        response.EnsureSuccessStatusCode();
        Sizes.Written(container.Id, bytes);
        return new(document, response.Headers.ETag);
    }

    private static async Task<StoredDocument> ReadDocumentAsync(ResponseMessage response, CancellationToken cancellationToken)
    {
        response.EnsureSuccessStatusCode();
        var document = (await JsonNode.ParseAsync(response.Content, cancellationToken: cancellationToken).ConfigureAwait(false))!.AsObject();
        return new(document, response.Headers.ETag);
    }

    private async Task<T> Call<T>(string operation, Func<Task<T>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (CosmosException e) when (e.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests)
        {
            throw new StorageUnavailableException($"{operation} in Cosmos DB container '{container.Id}' failed after the SDK's retries: {e.StatusCode} ({e.Message.Split('\n')[0]}).", e);
        }
        catch (HttpRequestException e)
        {
            throw new StorageUnavailableException($"{operation} in Cosmos DB container '{container.Id}' failed: the account did not answer ({e.Message}).", e);
        }
    }
}
