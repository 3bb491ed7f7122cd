using Portal.Core.Jobs;
using Portal.Infrastructure.Formats;

namespace Portal.Infrastructure.Embedded.Sqlite;

/// <summary>The embedded watermark store: one row per job in its own table (<c>job_watermarks</c>) of the portal's SQLite file.</summary>
public sealed class SqliteJobWatermarkStore : IJobWatermarkStore, IDisposable
{
    private static readonly string[] Schema =
    [
        """
        CREATE TABLE IF NOT EXISTS job_watermarks (
            job        TEXT NOT NULL PRIMARY KEY,
            watermark  TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        """,
    ];

    private readonly SqliteDatabase _database;
    private readonly TimeProvider _timeProvider;

    public SqliteJobWatermarkStore(string databasePath, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        _database = SqliteDatabase.WithSchema(databasePath, Schema);
    }

    public async Task<string?> GetAsync(string jobName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobName);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT watermark FROM job_watermarks WHERE job = $job;";
        command.Parameters.AddWithValue("$job", jobName);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public async Task SetAsync(string jobName, string watermark, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobName);
        ArgumentNullException.ThrowIfNull(watermark);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            "INSERT INTO job_watermarks (job, watermark, updated_at) VALUES ($job, $watermark, $at) " +
            "ON CONFLICT (job) DO UPDATE SET watermark = excluded.watermark, updated_at = excluded.updated_at;";
        command.Parameters.AddWithValue("$job", jobName);
        command.Parameters.AddWithValue("$watermark", watermark);
        command.Parameters.AddWithValue("$at", SalesKeys.Timestamp(_timeProvider.GetUtcNow()));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public void Dispose() => _database.Dispose();
}
