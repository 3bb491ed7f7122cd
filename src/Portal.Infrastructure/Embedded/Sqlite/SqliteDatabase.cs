using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Portal.Infrastructure.Embedded.Sqlite;

/// <summary>
/// One SQLite file shared by the embedded stores: pooled connections with the busy timeout and pragmas set, WAL mode,
/// and the store's schema applied once per instance inside <c>BEGIN IMMEDIATE</c> (which also serialises processes).
/// </summary>
internal sealed class SqliteDatabase : IDisposable
{
    private readonly string _connectionString;
    private readonly TimeSpan _busyTimeout;
    private readonly Func<SqliteConnection, SqliteTransaction, CancellationToken, Task> _applySchema;
    private readonly SemaphoreSlim _schemaLock = new(1, 1);
    private volatile bool _schemaReady;

    public SqliteDatabase(string databasePath, TimeSpan busyTimeout, Func<SqliteConnection, SqliteTransaction, CancellationToken, Task> applySchema)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        FullPath = System.IO.Path.GetFullPath(databasePath);
        _busyTimeout = busyTimeout;
        _applySchema = applySchema;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = (int)Math.Ceiling(busyTimeout.TotalSeconds),
        }.ToString();
    }

    public string FullPath { get; }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_schemaReady)
        {
            await EnsureSchemaAsync(cancellationToken);
        }

        return await OpenRawAsync(cancellationToken);
    }

    /// <summary>Runs each statement in the transaction.</summary>
    /// <summary>The busy timeout of a store that is given none: long enough to queue behind another process's write.</summary>
    public static readonly TimeSpan DefaultBusyTimeout = TimeSpan.FromSeconds(30);

    /// <summary>A database whose schema is these statements, run once (they must be idempotent: <c>IF NOT EXISTS</c>).</summary>
    public static SqliteDatabase WithSchema(string databasePath, IReadOnlyList<string> schema, TimeSpan? busyTimeout = null) =>
        new(databasePath, busyTimeout ?? DefaultBusyTimeout,
            (connection, transaction, cancellationToken) => ExecuteAllAsync(connection, transaction, schema, cancellationToken));

    public static async Task ExecuteAllAsync(SqliteConnection connection, SqliteTransaction transaction, IEnumerable<string> statements, CancellationToken cancellationToken)
    {
        foreach (var statement in statements)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = statement;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        _schemaLock.Dispose();
    }

    private async Task<SqliteConnection> OpenRawAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = string.Create(CultureInfo.InvariantCulture,
                $"PRAGMA busy_timeout = {(long)_busyTimeout.TotalMilliseconds}; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -16384;");
            await pragma.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        await _schemaLock.WaitAsync(cancellationToken);
        try
        {
            if (_schemaReady)
            {
                return;
            }

            var directory = System.IO.Path.GetDirectoryName(FullPath);
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            await using var connection = await OpenRawAsync(cancellationToken);
            await using (var wal = connection.CreateCommand())
            {
                // Persistent: readers never block the writer, and the writer never blocks readers.
                wal.CommandText = "PRAGMA journal_mode = WAL;";
                await wal.ExecuteNonQueryAsync(cancellationToken);
            }

            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            await _applySchema(connection, transaction, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            _schemaReady = true;
        }
        finally
        {
            _schemaLock.Release();
        }
    }
}
