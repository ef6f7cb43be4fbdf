using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Rebalancing.Functions.Storage.Documents;

namespace Rebalancing.Functions.Storage.Embedded;

/// <summary>
/// A document collection in the <c>documents</c> table. Create is an insert that does nothing on a
/// key conflict; replace and delete carry <c>etag = @ifMatch</c> in their WHERE clause: each is one
/// atomic statement, so concurrent writers can never both win. Every write is checked against
/// <see cref="DocumentSizes.MaxItemBytes"/> first, as the Cosmos DB adapter does.
/// </summary>
internal sealed class SqliteDocumentCollection(SqliteDatabase database, string collection, DocumentSizes? sizes = null) : IDocumentCollection
{
    /// <summary>The size limit's bookkeeping: the largest document this collection (and those sharing it) wrote.</summary>
    public DocumentSizes Sizes { get; } = sizes ?? new();

    public async Task<StoredDocument?> ReadAsync(string partitionKey, string id, CancellationToken cancellationToken)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = Command(connection, "SELECT body, etag FROM documents WHERE collection = $c AND pk = $pk AND id = $id;", partitionKey, id);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
            }
        }
    }

    public async Task<StoredDocument?> CreateAsync(string partitionKey, string id, JsonObject document, CancellationToken cancellationToken)
    {
        var etag = NewETag();
        var changed = await ExecuteAsync(
            "INSERT INTO documents (collection, pk, id, type, etag, body) VALUES ($c, $pk, $id, $type, $etag, $body) ON CONFLICT DO NOTHING;",
            partitionKey, id, document, etag, null, cancellationToken).ConfigureAwait(false);
        return changed == 1 ? new(document, etag) : null;
    }

    public async Task<StoredDocument?> ReplaceAsync(string partitionKey, string id, JsonObject document, string ifMatch, CancellationToken cancellationToken)
    {
        var etag = NewETag();
        var changed = await ExecuteAsync(
            "UPDATE documents SET type = $type, etag = $etag, body = $body WHERE collection = $c AND pk = $pk AND id = $id AND etag = $ifMatch;",
            partitionKey, id, document, etag, ifMatch, cancellationToken).ConfigureAwait(false);
        return changed == 1 ? new(document, etag) : null;
    }

    public async Task<StoredDocument> UpsertAsync(string partitionKey, string id, JsonObject document, CancellationToken cancellationToken)
    {
        var etag = NewETag();
        await ExecuteAsync(
            "INSERT INTO documents (collection, pk, id, type, etag, body) VALUES ($c, $pk, $id, $type, $etag, $body) " +
            "ON CONFLICT (collection, pk, id) DO UPDATE SET type = excluded.type, etag = excluded.etag, body = excluded.body;",
            partitionKey, id, document, etag, null, cancellationToken).ConfigureAwait(false);
        return new(document, etag);
    }

    public async Task<bool> DeleteAsync(string partitionKey, string id, string ifMatch, CancellationToken cancellationToken)
    {
        var changed = await ExecuteAsync(
            "DELETE FROM documents WHERE collection = $c AND pk = $pk AND id = $id AND etag = $ifMatch;",
            partitionKey, id, null, null, ifMatch, cancellationToken).ConfigureAwait(false);
        return changed == 1;
    }

    public async Task<IReadOnlyList<StoredDocument>> QueryAsync(string partitionKey, string type, FieldCondition? condition, CancellationToken cancellationToken)
    {
        var sql = "SELECT body, etag FROM documents WHERE collection = $c AND pk = $pk AND type = $type";
        if (condition is not null)
        {
            sql += condition.Comparison == FieldComparison.Equal
                ? " AND json_extract(body, $path) = $value"
                : " AND json_extract(body, $path) >= $value";
        }

        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = Command(connection, sql + ";", partitionKey, id: null);
            command.Parameters.AddWithValue("$type", type);
            if (condition is not null)
            {
                command.Parameters.AddWithValue("$path", "$." + condition.Field);
                command.Parameters.AddWithValue("$value", condition.Value);
            }

            var results = new List<StoredDocument>();
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    results.Add(Read(reader));
                }
            }

            return results;
        }
    }

    public async Task CheckHealthAsync(CancellationToken cancellationToken)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM documents WHERE 0;";
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static string NewETag() => "\"" + Guid.NewGuid().ToString("N") + "\"";

    private static StoredDocument Read(SqliteDataReader reader) =>
        new(JsonNode.Parse(reader.GetString(0))!.AsObject(), reader.GetString(1));

    private async Task<int> ExecuteAsync(string sql, string partitionKey, string id, JsonObject? document, string? etag, string? ifMatch, CancellationToken cancellationToken)
    {
        // Checked before the connection opens: a document over the limit is never written.
        var body = document is null ? null : DocumentSizes.Serialize(collection, partitionKey, id, document);
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = Command(connection, sql, partitionKey, id);
            if (document is not null)
            {
                command.Parameters.AddWithValue("$type", document[DocumentFields.Type]?.GetValue<string>() ?? string.Empty);
                command.Parameters.AddWithValue("$body", Encoding.UTF8.GetString(body!));
            }

            if (etag is not null)
            {
                command.Parameters.AddWithValue("$etag", etag);
            }

            if (ifMatch is not null)
            {
                command.Parameters.AddWithValue("$ifMatch", ifMatch);
            }

            var changed = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            if (body is not null && changed > 0)
            {
                Sizes.Written(collection, body.Length);
            }

            return changed;
        }
    }

    private SqliteCommand Command(SqliteConnection connection, string sql, string partitionKey, string? id)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$c", collection);
        command.Parameters.AddWithValue("$pk", partitionKey);
        if (id is not null)
        {
            command.Parameters.AddWithValue("$id", id);
        }

        return command;
    }
}
