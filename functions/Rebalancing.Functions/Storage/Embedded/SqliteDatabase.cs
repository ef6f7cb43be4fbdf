using Microsoft.Data.Sqlite;

namespace Rebalancing.Functions.Storage.Embedded;

/// <summary>
/// The embedded default's one database file (documents, queues). WAL journal so readers never
/// block the writer; a connection per operation from the pool; writers wait (busy timeout) instead
/// of failing; read-modify-write runs inside <c>BEGIN IMMEDIATE</c>, so it is safe for several
/// worker threads in one process.
/// </summary>
internal sealed class SqliteDatabase
{
    internal const string Schema = """
        CREATE TABLE IF NOT EXISTS documents (
            collection TEXT NOT NULL,
            pk         TEXT NOT NULL,
            id         TEXT NOT NULL,
            type       TEXT NOT NULL,
            etag       TEXT NOT NULL,
            body       TEXT NOT NULL,
            PRIMARY KEY (collection, pk, id)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS documents_by_type ON documents (collection, pk, type);
        CREATE TABLE IF NOT EXISTS queue_messages (
            seq           INTEGER PRIMARY KEY AUTOINCREMENT,
            queue         TEXT NOT NULL,
            id            TEXT NOT NULL UNIQUE,
            text          TEXT NOT NULL,
            inserted_at   INTEGER NOT NULL,
            visible_at    INTEGER NOT NULL,
            dequeue_count INTEGER NOT NULL,
            pop_receipt   TEXT
        );
        CREATE INDEX IF NOT EXISTS queue_messages_visible ON queue_messages (queue, visible_at, seq);
        """;

    private readonly string connectionString;

    private SqliteDatabase(string path)
    {
        Path = path;
        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public string Path { get; }

    /// <summary>Opens (creating if needed) the database at <paramref name="path"/> and applies the schema.</summary>
    public static SqliteDatabase Open(string path)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        var database = new SqliteDatabase(path);
        using var connection = database.OpenConnectionCore();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;" + Schema;
        command.ExecuteNonQuery();
        return database;
    }

    public async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA busy_timeout=30000;";
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private SqliteConnection OpenConnectionCore()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        return connection;
    }
}
