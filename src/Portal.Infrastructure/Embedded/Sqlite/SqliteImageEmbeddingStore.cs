using Microsoft.Data.Sqlite;
using Portal.Core.Images;
using Portal.Infrastructure.Formats;

namespace Portal.Infrastructure.Embedded.Sqlite;

/// <summary>
/// Embeddings by (model, image SHA-256) in their own table of the shared SQLite file, with a bounded in-memory cache in front:
/// a hit costs a dictionary lookup, a restart costs one indexed read.
/// </summary>
public sealed class SqliteImageEmbeddingStore : IImageEmbeddingStore, IDisposable
{
    private static readonly string[] Schema =
    [
        """
        CREATE TABLE IF NOT EXISTS image_embeddings (
            model_id   TEXT NOT NULL,
            sha256     TEXT NOT NULL,
            dimension  INTEGER NOT NULL,
            vector     BLOB NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (model_id, sha256)
        ) WITHOUT ROWID;
        """,
    ];

    private readonly SqliteDatabase _database;
    private readonly EmbeddingCache _memory;
    private readonly TimeProvider _timeProvider;

    public SqliteImageEmbeddingStore(string databasePath, TimeProvider timeProvider, int memoryCapacity = 16_384)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        _memory = new EmbeddingCache(memoryCapacity);
        _database = SqliteDatabase.WithSchema(databasePath, Schema);
    }

    public async Task<float[]?> TryGetAsync(string modelId, string imageSha256, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        ArgumentException.ThrowIfNullOrWhiteSpace(imageSha256);
        if (_memory.TryGet(modelId, imageSha256, out var cached))
        {
            return cached;
        }

        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT dimension, vector FROM image_embeddings WHERE model_id = $model AND sha256 = $sha;";
        command.Parameters.AddWithValue("$model", modelId);
        command.Parameters.AddWithValue("$sha", imageSha256);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)
            || !EmbeddingCodec.TryDecode(modelId, reader.GetInt64(0), (byte[])reader.GetValue(1), out var embedding))
        {
            return null;
        }

        _memory.Set(modelId, imageSha256, embedding!.Vector);
        return embedding.Vector;
    }

    public async Task PutAsync(string modelId, string imageSha256, ReadOnlyMemory<float> vector, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        ArgumentException.ThrowIfNullOrWhiteSpace(imageSha256);
        if (vector.IsEmpty)
        {
            throw new ArgumentException("The vector is empty.", nameof(vector));
        }

        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            """
            INSERT INTO image_embeddings (model_id, sha256, dimension, vector, created_at) VALUES ($model, $sha, $dimension, $vector, $at)
            ON CONFLICT (model_id, sha256) DO NOTHING;
            """;
        command.Parameters.AddWithValue("$model", modelId);
        command.Parameters.AddWithValue("$sha", imageSha256);
        command.Parameters.AddWithValue("$dimension", vector.Length);
        command.Parameters.Add("$vector", SqliteType.Blob).Value = EmbeddingCodec.Encode(vector.Span);
        command.Parameters.AddWithValue("$at", SalesKeys.Timestamp(_timeProvider.GetUtcNow()));
        await command.ExecuteNonQueryAsync(cancellationToken);
        _memory.Set(modelId, imageSha256, vector.ToArray());
    }

    public void Dispose() => _database.Dispose();
}
