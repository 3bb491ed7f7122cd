using System.Globalization;
using Microsoft.Data.Sqlite;
using Portal.Core.Jobs;
using Portal.Infrastructure.Formats;

namespace Portal.Infrastructure.Embedded.Sqlite;

/// <summary>
/// The embedded job-run history: its own table (<c>job_runs</c>) in the portal's SQLite file. A partial unique index
/// (one Running row per job) makes <see cref="TryStartAsync"/> a single conditional insert, safe across threads and processes.
/// </summary>
public sealed class SqliteJobRunStore : IJobRunStore, IDisposable
{
    private const string Columns =
        "run_id, job, trigger, started_at, finished_at, status, progress_done, progress_total, progress_message, summary, detail_url, error, owner, heartbeat_at_ms";

    private static readonly string[] Schema =
    [
        """
        CREATE TABLE IF NOT EXISTS job_runs (
            run_id           TEXT    NOT NULL PRIMARY KEY,
            job              TEXT    NOT NULL,
            trigger          TEXT    NOT NULL,
            started_at       TEXT    NOT NULL,
            started_at_ms    INTEGER NOT NULL,
            finished_at      TEXT    NULL,
            status           TEXT    NOT NULL CHECK (status IN ('Running', 'Succeeded', 'Failed', 'Interrupted')),
            progress_done    INTEGER NULL,
            progress_total   INTEGER NULL,
            progress_message TEXT    NULL,
            summary          TEXT    NULL,
            detail_url       TEXT    NULL,
            error            TEXT    NULL,
            owner            TEXT    NOT NULL,
            heartbeat_at_ms  INTEGER NOT NULL
        );
        """,
        "CREATE INDEX IF NOT EXISTS ix_job_runs_job_started ON job_runs (job, started_at_ms DESC);",
        "CREATE UNIQUE INDEX IF NOT EXISTS ux_job_runs_one_running ON job_runs (job) WHERE status = 'Running';",
    ];

    private const string AbandonedError = "The host stopped while the run was in progress.";

    private readonly SqliteDatabase _database;

    public SqliteJobRunStore(string databasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        _database = SqliteDatabase.WithSchema(databasePath, Schema);
    }

    public async Task<JobRun?> TryStartAsync(JobRun run, TimeSpan staleAfter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(staleAfter, TimeSpan.Zero);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var stale = connection.CreateCommand())
        {
            stale.Transaction = transaction;
            stale.CommandText =
                $"UPDATE job_runs SET status = 'Interrupted', finished_at = $at, error = '{AbandonedError}' " +
                "WHERE job = $job AND status = 'Running' AND heartbeat_at_ms < $stale_ms;";
            stale.Parameters.AddWithValue("$job", run.JobName);
            stale.Parameters.AddWithValue("$at", SalesKeys.Timestamp(run.StartedAt));
            stale.Parameters.AddWithValue("$stale_ms", (run.StartedAt - staleAfter).ToUnixTimeMilliseconds());
            await stale.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText =
                "INSERT INTO job_runs (run_id, job, trigger, started_at, started_at_ms, status, progress_done, progress_total, progress_message, owner, heartbeat_at_ms) " +
                "VALUES ($id, $job, $trigger, $started, $started_ms, 'Running', $done, $total, $message, $owner, $started_ms) ON CONFLICT DO NOTHING;";
            insert.Parameters.AddWithValue("$owner", run.Owner);
            insert.Parameters.AddWithValue("$id", run.RunId.ToString("D"));
            insert.Parameters.AddWithValue("$job", run.JobName);
            insert.Parameters.AddWithValue("$trigger", run.Trigger);
            insert.Parameters.AddWithValue("$started", SalesKeys.Timestamp(run.StartedAt));
            insert.Parameters.AddWithValue("$started_ms", run.StartedAt.ToUnixTimeMilliseconds());
            insert.Parameters.AddWithValue("$done", (object?)run.Progress?.Done ?? DBNull.Value);
            insert.Parameters.AddWithValue("$total", (object?)run.Progress?.Total ?? DBNull.Value);
            insert.Parameters.AddWithValue("$message", (object?)run.Progress?.Message ?? DBNull.Value);
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                await transaction.CommitAsync(cancellationToken);
                return null;
            }
        }

        await using var select = connection.CreateCommand();
        select.Transaction = transaction;
        select.CommandText = $"SELECT {Columns} FROM job_runs WHERE job = $job AND status = 'Running';";
        select.Parameters.AddWithValue("$job", run.JobName);
        var running = await ReadAllAsync(select, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return running.Count > 0 ? running[0]
            : throw new InvalidOperationException($"Run {run.RunId} of '{run.JobName}' was refused, but no running run holds the job.");
    }

    public async Task HeartbeatAsync(Guid runId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE job_runs SET heartbeat_at_ms = $at WHERE run_id = $id AND status = 'Running';";
        command.Parameters.AddWithValue("$id", runId.ToString("D"));
        command.Parameters.AddWithValue("$at", at.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task UpdateProgressAsync(Guid runId, JobProgress progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(progress);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            "UPDATE job_runs SET progress_done = $done, progress_total = $total, progress_message = $message WHERE run_id = $id AND status = 'Running';";
        command.Parameters.AddWithValue("$id", runId.ToString("D"));
        command.Parameters.AddWithValue("$done", progress.Done);
        command.Parameters.AddWithValue("$total", (object?)progress.Total ?? DBNull.Value);
        command.Parameters.AddWithValue("$message", (object?)progress.Message ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task FinishAsync(Guid runId, JobRunStatus status, DateTimeOffset finishedAt, string? summary, string? detailUrl, string? error, CancellationToken cancellationToken)
    {
        if (status == JobRunStatus.Running)
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "A run finishes as Succeeded, Failed or Interrupted.");
        }

        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            "UPDATE job_runs SET status = $status, finished_at = $finished, summary = $summary, detail_url = $detail, error = $error " +
            "WHERE run_id = $id AND status = 'Running';";
        command.Parameters.AddWithValue("$id", runId.ToString("D"));
        command.Parameters.AddWithValue("$status", status.ToString());
        command.Parameters.AddWithValue("$finished", SalesKeys.Timestamp(finishedAt));
        command.Parameters.AddWithValue("$summary", (object?)summary ?? DBNull.Value);
        command.Parameters.AddWithValue("$detail", (object?)detailUrl ?? DBNull.Value);
        command.Parameters.AddWithValue("$error", (object?)error ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<JobRun?> GetAsync(Guid runId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM job_runs WHERE run_id = $id;";
        command.Parameters.AddWithValue("$id", runId.ToString("D"));
        var runs = await ReadAllAsync(command, cancellationToken);
        return runs.Count > 0 ? runs[0] : null;
    }

    public async Task<IReadOnlyList<JobRun>> GetRecentAsync(string jobName, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobName);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM job_runs WHERE job = $job ORDER BY started_at_ms DESC, rowid DESC LIMIT $limit;";
        command.Parameters.AddWithValue("$job", jobName);
        command.Parameters.AddWithValue("$limit", limit);
        return await ReadAllAsync(command, cancellationToken);
    }

    public async Task<int> MarkAbandonedAsInterruptedAsync(string owner, DateTimeOffset staleBefore, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            $"UPDATE job_runs SET status = 'Interrupted', finished_at = $at, error = '{AbandonedError}' " +
            "WHERE status = 'Running' AND (owner = $owner OR heartbeat_at_ms < $stale_ms);";
        command.Parameters.AddWithValue("$at", SalesKeys.Timestamp(at));
        command.Parameters.AddWithValue("$owner", owner);
        command.Parameters.AddWithValue("$stale_ms", staleBefore.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public void Dispose() => _database.Dispose();

    private static async Task<IReadOnlyList<JobRun>> ReadAllAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var runs = new List<JobRun>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            runs.Add(new JobRun
            {
                RunId = Guid.Parse(reader.GetString(0)),
                JobName = reader.GetString(1),
                Trigger = reader.GetString(2),
                StartedAt = ParseTime(reader.GetString(3)),
                FinishedAt = reader.IsDBNull(4) ? null : ParseTime(reader.GetString(4)),
                Status = Enum.Parse<JobRunStatus>(reader.GetString(5)),
                Progress = reader.IsDBNull(6) ? null
                    : new JobProgress(reader.GetInt64(6), reader.IsDBNull(7) ? null : reader.GetInt64(7), reader.IsDBNull(8) ? null : reader.GetString(8)),
                Summary = reader.IsDBNull(9) ? null : reader.GetString(9),
                DetailUrl = reader.IsDBNull(10) ? null : reader.GetString(10),
                Error = reader.IsDBNull(11) ? null : reader.GetString(11),
                Owner = reader.GetString(12),
                HeartbeatAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(13)),
            });
        }

        return runs;
    }

    private static DateTimeOffset ParseTime(string value) =>
        DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
