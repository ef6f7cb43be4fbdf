using Microsoft.Data.Sqlite;

namespace Rebalancing.Functions.Storage.Embedded;

/// <summary>
/// A queue in the <c>queue_messages</c> table, with the Azure Storage Queue contract: receive hides
/// the message until <c>visible_at</c> and hands out a fresh pop receipt; delete and visibility
/// updates need the latest receipt. Receive runs in <c>BEGIN IMMEDIATE</c>, so two workers never
/// get the same delivery. Times come from the injected <see cref="TimeProvider"/>.
/// </summary>
internal sealed class SqliteWorkQueue(SqliteDatabase database, string name, TimeProvider time) : IWorkQueue
{
    public string Name { get; } = name;

    public async Task<string> EnqueueAsync(string text, TimeSpan initialVisibilityDelay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        WorkQueueLimits.CheckDelay(initialVisibilityDelay, nameof(initialVisibilityDelay));
        var id = Guid.NewGuid().ToString();
        var now = time.GetUtcNow();
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await InsertAsync(connection, null, Name, id, text, now, now + initialVisibilityDelay, cancellationToken).ConfigureAwait(false);
        }

        return id;
    }

    public async Task<QueueMessage?> ReceiveAsync(TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        WorkQueueLimits.CheckDelay(visibilityTimeout, nameof(visibilityTimeout));
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            while (true)
            {
                var now = time.GetUtcNow();
                var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    using var select = connection.CreateCommand();
                    select.Transaction = transaction;
                    select.CommandText = "SELECT seq, id, text, dequeue_count, inserted_at FROM queue_messages WHERE queue = $q AND visible_at <= $now ORDER BY visible_at, seq LIMIT 1;";
                    select.Parameters.AddWithValue("$q", Name);
                    select.Parameters.AddWithValue("$now", now.UtcTicks);
                    long seq;
                    string id, text;
                    long dequeueCount, insertedAt;
                    var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            return null;
                        }

                        (seq, id, text, dequeueCount, insertedAt) = (reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt64(4));
                    }

                    using var update = connection.CreateCommand();
                    update.Transaction = transaction;
                    update.Parameters.AddWithValue("$seq", seq);
                    if (dequeueCount >= WorkQueueLimits.MaxDequeueCount)
                    {
                        // Its 6th delivery: move it to the poison queue instead of handing it out.
                        update.CommandText = "DELETE FROM queue_messages WHERE seq = $seq;";
                        await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                        await InsertAsync(connection, transaction, WorkQueueLimits.PoisonQueueName(Name), Guid.NewGuid().ToString(), text, now, now, cancellationToken).ConfigureAwait(false);
                        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    var popReceipt = Guid.NewGuid().ToString("N");
                    update.CommandText = "UPDATE queue_messages SET dequeue_count = dequeue_count + 1, pop_receipt = $pop, visible_at = $visible WHERE seq = $seq;";
                    update.Parameters.AddWithValue("$pop", popReceipt);
                    update.Parameters.AddWithValue("$visible", (now + visibilityTimeout).UtcTicks);
                    await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    return new(id, popReceipt, dequeueCount + 1, text, new DateTimeOffset(insertedAt, TimeSpan.Zero));
                }
            }
        }
    }

    public async Task<bool> DeleteAsync(string messageId, string popReceipt, CancellationToken cancellationToken)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM queue_messages WHERE queue = $q AND id = $id AND pop_receipt = $pop;";
            command.Parameters.AddWithValue("$q", Name);
            command.Parameters.AddWithValue("$id", messageId);
            command.Parameters.AddWithValue("$pop", popReceipt);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }
    }

    public async Task<string?> UpdateVisibilityAsync(string messageId, string popReceipt, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        WorkQueueLimits.CheckDelay(visibilityTimeout, nameof(visibilityTimeout));
        var newReceipt = Guid.NewGuid().ToString("N");
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE queue_messages SET visible_at = $visible, pop_receipt = $new WHERE queue = $q AND id = $id AND pop_receipt = $pop;";
            command.Parameters.AddWithValue("$q", Name);
            command.Parameters.AddWithValue("$id", messageId);
            command.Parameters.AddWithValue("$pop", popReceipt);
            command.Parameters.AddWithValue("$new", newReceipt);
            command.Parameters.AddWithValue("$visible", (time.GetUtcNow() + visibilityTimeout).UtcTicks);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1 ? newReceipt : null;
        }
    }

    public async Task CheckHealthAsync(CancellationToken cancellationToken)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM queue_messages WHERE 0;";
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task InsertAsync(SqliteConnection connection, SqliteTransaction? transaction, string queue, string id, string text, DateTimeOffset now, DateTimeOffset visibleAt, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO queue_messages (queue, id, text, inserted_at, visible_at, dequeue_count) VALUES ($q, $id, $text, $ins, $vis, 0);";
        command.Parameters.AddWithValue("$q", queue);
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$text", text);
        command.Parameters.AddWithValue("$ins", now.UtcTicks);
        command.Parameters.AddWithValue("$vis", visibleAt.UtcTicks);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>Opens embedded queues in the shared database.</summary>
internal sealed class SqliteWorkQueueFactory(SqliteDatabase database, TimeProvider time) : IWorkQueueFactory
{
    public IWorkQueue Get(string name) => new SqliteWorkQueue(database, WorkQueueLimits.CheckQueueName(name), time);
}
