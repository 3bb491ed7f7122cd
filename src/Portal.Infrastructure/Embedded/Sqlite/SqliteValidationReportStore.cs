using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Portal.Core.Jobs;
using Portal.Core.Validation;
using Portal.Infrastructure.Formats;

namespace Portal.Infrastructure.Embedded.Sqlite;

/// <summary>
/// Validation reports and the lake-repair audit in their own tables of the portal's SQLite file. A run's children carry the
/// tenant, so a tenant-scoped read filters in SQL. Times are fixed-width ISO-8601 UTC text (they sort as text).
/// </summary>
public sealed class SqliteValidationReportStore : IValidationReportStore, IDisposable
{
    private static readonly string[] Schema =
    [
        """
        CREATE TABLE IF NOT EXISTS validation_runs (
            run_id        TEXT    NOT NULL PRIMARY KEY,
            trigger_name  TEXT    NOT NULL,
            started_at    TEXT    NOT NULL,
            finished_at   TEXT    NULL,
            status        TEXT    NOT NULL,
            threshold     REAL    NOT NULL,
            error         TEXT    NULL
        );
        """,
        "CREATE INDEX IF NOT EXISTS ix_validation_runs_started ON validation_runs (started_at DESC);",
        """
        CREATE TABLE IF NOT EXISTS validation_partitions (
            run_id         TEXT    NOT NULL,
            tenant_id      TEXT    NOT NULL,
            year           INTEGER NOT NULL,
            month          INTEGER NOT NULL,
            store_count    INTEGER NOT NULL,
            lake_count     INTEGER NOT NULL,
            variance       REAL    NOT NULL,
            over_threshold INTEGER NOT NULL,
            PRIMARY KEY (run_id, tenant_id, year, month)
        );
        """,
        """
        CREATE TABLE IF NOT EXISTS validation_findings (
            run_id    TEXT    NOT NULL,
            tenant_id TEXT    NOT NULL,
            year      INTEGER NOT NULL,
            month     INTEGER NOT NULL,
            kind      TEXT    NOT NULL,
            count     INTEGER NOT NULL,
            examples  TEXT    NOT NULL,
            detail    TEXT    NOT NULL
        );
        """,
        "CREATE INDEX IF NOT EXISTS ix_validation_findings_run ON validation_findings (run_id, tenant_id);",
        """
        CREATE TABLE IF NOT EXISTS validation_alerts (
            run_id     TEXT NOT NULL,
            seq        INTEGER NOT NULL,
            tenant_id  TEXT NULL,
            source     TEXT NOT NULL,
            severity   TEXT NOT NULL,
            title      TEXT NOT NULL,
            message    TEXT NOT NULL,
            raised_at  TEXT NOT NULL,
            detail_url TEXT NULL,
            PRIMARY KEY (run_id, seq)
        );
        """,
        """
        CREATE TABLE IF NOT EXISTS lake_repair_audit (
            audit_id      TEXT    NOT NULL PRIMARY KEY,
            run_id        TEXT    NULL,
            tenant_id     TEXT    NOT NULL,
            year          INTEGER NOT NULL,
            month         INTEGER NOT NULL,
            actor         TEXT    NOT NULL,
            at            TEXT    NOT NULL,
            dry_run       INTEGER NOT NULL,
            missing_count INTEGER NOT NULL,
            written_count INTEGER NOT NULL
        );
        """,
        "CREATE INDEX IF NOT EXISTS ix_lake_repair_audit_at ON lake_repair_audit (at DESC);",
    ];

    private readonly SqliteDatabase _database;

    public SqliteValidationReportStore(string databasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        _database = SqliteDatabase.WithSchema(databasePath, Schema);
    }

    public async Task SaveAsync(ValidationRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentException.ThrowIfNullOrWhiteSpace(run.Trigger);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var id = RunKey(run.RunId);
        foreach (var table in (string[])["validation_partitions", "validation_findings", "validation_alerts"])
        {
            await ExecuteAsync(connection, transaction, $"DELETE FROM {table} WHERE run_id = $run;", cancellationToken, ("$run", id));
        }

        await ExecuteAsync(connection, transaction,
            "INSERT INTO validation_runs (run_id, trigger_name, started_at, finished_at, status, threshold, error) " +
            "VALUES ($run, $trigger, $started, $finished, $status, $threshold, $error) " +
            "ON CONFLICT (run_id) DO UPDATE SET trigger_name = excluded.trigger_name, started_at = excluded.started_at, " +
            "finished_at = excluded.finished_at, status = excluded.status, threshold = excluded.threshold, error = excluded.error;",
            cancellationToken,
            ("$run", id), ("$trigger", run.Trigger), ("$started", Time(run.StartedAt)), ("$finished", run.FinishedAt is { } finished ? Time(finished) : null),
            ("$status", run.Status.ToString()), ("$threshold", run.VarianceThresholdPercent), ("$error", run.Error));

        await InsertAllAsync(connection, transaction,
            "INSERT INTO validation_partitions (run_id, tenant_id, year, month, store_count, lake_count, variance, over_threshold) " +
            "VALUES ($run, $tenant, $year, $month, $store, $lake, $variance, $over);",
            ["$run", "$tenant", "$year", "$month", "$store", "$lake", "$variance", "$over"],
            run.Partitions.Select(p => new object?[]
            {
                id, p.Partition.Tenant.Value, p.Partition.Year, p.Partition.Month, p.StoreCount, p.LakeCount, p.VariancePercent, p.OverThreshold ? 1 : 0,
            }),
            cancellationToken);
        await InsertAllAsync(connection, transaction,
            "INSERT INTO validation_findings (run_id, tenant_id, year, month, kind, count, examples, detail) " +
            "VALUES ($run, $tenant, $year, $month, $kind, $count, $examples, $detail);",
            ["$run", "$tenant", "$year", "$month", "$kind", "$count", "$examples", "$detail"],
            run.Findings.Select(f => new object?[]
            {
                id, f.Partition.Tenant.Value, f.Partition.Year, f.Partition.Month, f.Kind.ToString(), f.Count, JsonSerializer.Serialize(f.Examples), f.Detail,
            }),
            cancellationToken);
        await InsertAllAsync(connection, transaction,
            "INSERT INTO validation_alerts (run_id, seq, tenant_id, source, severity, title, message, raised_at, detail_url) " +
            "VALUES ($run, $seq, $tenant, $source, $severity, $title, $message, $raised, $url);",
            ["$run", "$seq", "$tenant", "$source", "$severity", "$title", "$message", "$raised", "$url"],
            run.Alerts.Select((a, seq) => new object?[]
            {
                id, seq, a.Tenant?.Value, a.Source, a.Severity.ToString(), a.Title, a.Message, Time(a.RaisedAt), a.DetailUrl,
            }),
            cancellationToken);

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ValidationRunSummary>> ListAsync(TenantId? tenant, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // Child counts are scoped like the detail page: a tenant sees its partitions, findings and alerts only.
        command.CommandText = """
            SELECT r.run_id, r.trigger_name, r.started_at, r.finished_at, r.status,
                   (SELECT COUNT(*) FROM validation_partitions p WHERE p.run_id = r.run_id AND ($tenant IS NULL OR p.tenant_id = $tenant)),
                   (SELECT COUNT(*) FROM validation_partitions p WHERE p.run_id = r.run_id AND p.over_threshold = 1 AND ($tenant IS NULL OR p.tenant_id = $tenant)),
                   (SELECT COALESCE(SUM(f.count), 0) FROM validation_findings f WHERE f.run_id = r.run_id AND ($tenant IS NULL OR f.tenant_id = $tenant)),
                   (SELECT COUNT(*) FROM validation_alerts a WHERE a.run_id = r.run_id AND ($tenant IS NULL OR a.tenant_id = $tenant))
            FROM validation_runs r
            ORDER BY r.started_at DESC, r.run_id
            LIMIT $limit;
            """;
        command.Parameters.AddWithValue("$tenant", (object?)tenant?.Value ?? DBNull.Value);
        command.Parameters.AddWithValue("$limit", limit);
        var runs = new List<ValidationRunSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            runs.Add(new ValidationRunSummary(
                Guid.Parse(reader.GetString(0)), reader.GetString(1), ParseTime(reader.GetString(2)),
                reader.IsDBNull(3) ? null : ParseTime(reader.GetString(3)), Enum.Parse<ValidationRunStatus>(reader.GetString(4)),
                reader.GetInt32(5), reader.GetInt32(6), reader.GetInt64(7), reader.GetInt32(8)));
        }

        return runs;
    }

    public async Task<ValidationRun?> GetAsync(Guid runId, TenantId? tenant, CancellationToken cancellationToken)
    {
        var id = RunKey(runId);
        var tenantValue = (object?)tenant?.Value ?? DBNull.Value;
        await using var connection = await _database.OpenAsync(cancellationToken);
        ValidationRun run;
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT trigger_name, started_at, finished_at, status, threshold, error FROM validation_runs WHERE run_id = $run;";
            command.Parameters.AddWithValue("$run", id);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            run = new ValidationRun
            {
                RunId = runId,
                Trigger = reader.GetString(0),
                StartedAt = ParseTime(reader.GetString(1)),
                FinishedAt = reader.IsDBNull(2) ? null : ParseTime(reader.GetString(2)),
                Status = Enum.Parse<ValidationRunStatus>(reader.GetString(3)),
                VarianceThresholdPercent = reader.GetDouble(4),
                Error = reader.IsDBNull(5) ? null : reader.GetString(5),
            };
        }

        var partitions = await ReadRunRowsAsync(connection, id, tenantValue,
            "SELECT tenant_id, year, month, store_count, lake_count, variance, over_threshold FROM validation_partitions",
            "tenant_id, year, month",
            reader => new PartitionCounts(Partition(reader), reader.GetInt64(3), reader.GetInt64(4), reader.GetDouble(5), reader.GetInt64(6) == 1),
            cancellationToken);
        var findings = await ReadRunRowsAsync(connection, id, tenantValue,
            "SELECT tenant_id, year, month, kind, count, examples, detail FROM validation_findings",
            "tenant_id, year, month, kind",
            reader => new ValidationFinding(Enum.Parse<ValidationFindingKind>(reader.GetString(3)), Partition(reader), reader.GetInt64(4),
                JsonSerializer.Deserialize<string[]>(reader.GetString(5)) ?? [], reader.GetString(6)),
            cancellationToken);
        var alerts = await ReadRunRowsAsync(connection, id, tenantValue,
            "SELECT source, severity, title, message, tenant_id, raised_at, detail_url FROM validation_alerts",
            "seq",
            reader => new Alert(reader.GetString(0), Enum.Parse<AlertSeverity>(reader.GetString(1)), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : new TenantId(reader.GetString(4)), ParseTime(reader.GetString(5)),
                reader.IsDBNull(6) ? null : reader.GetString(6)),
            cancellationToken);

        return run with { Partitions = partitions, Findings = findings, Alerts = alerts };
    }

    /// <summary>The rows of one run's child table, scoped to a tenant when one is given (null: every tenant).</summary>
    private static async Task<List<T>> ReadRunRowsAsync<T>(
        SqliteConnection connection, string runId, object tenantValue, string select, string orderBy, Func<SqliteDataReader, T> read, CancellationToken cancellationToken)
    {
        var rows = new List<T>();
        await using var command = connection.CreateCommand();
        command.CommandText = $"{select} WHERE run_id = $run AND ($tenant IS NULL OR tenant_id = $tenant) ORDER BY {orderBy};";
        command.Parameters.AddWithValue("$run", runId);
        command.Parameters.AddWithValue("$tenant", tenantValue);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    public async Task AddRepairAuditAsync(LakeRepairAudit audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentException.ThrowIfNullOrWhiteSpace(audit.Actor);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction,
            "INSERT INTO lake_repair_audit (audit_id, run_id, tenant_id, year, month, actor, at, dry_run, missing_count, written_count) " +
            "VALUES ($id, $run, $tenant, $year, $month, $actor, $at, $dry, $missing, $written);",
            cancellationToken,
            ("$id", audit.AuditId.ToString("D")), ("$run", audit.RunId is { } r ? RunKey(r) : null), ("$tenant", audit.Partition.Tenant.Value),
            ("$year", audit.Partition.Year), ("$month", audit.Partition.Month), ("$actor", audit.Actor), ("$at", Time(audit.At)),
            ("$dry", audit.DryRun ? 1 : 0), ("$missing", audit.MissingCount), ("$written", audit.WrittenCount));
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<LakeRepairAudit>> ListRepairAuditAsync(TenantId? tenant, Guid? runId, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT audit_id, run_id, tenant_id, year, month, actor, at, dry_run, missing_count, written_count FROM lake_repair_audit " +
            "WHERE ($tenant IS NULL OR tenant_id = $tenant) AND ($run IS NULL OR run_id = $run) ORDER BY at DESC, audit_id LIMIT $limit;";
        command.Parameters.AddWithValue("$tenant", (object?)tenant?.Value ?? DBNull.Value);
        command.Parameters.AddWithValue("$run", runId is { } r ? RunKey(r) : DBNull.Value);
        command.Parameters.AddWithValue("$limit", limit);
        var audits = new List<LakeRepairAudit>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            audits.Add(new LakeRepairAudit(
                Guid.Parse(reader.GetString(0)), reader.IsDBNull(1) ? null : Guid.Parse(reader.GetString(1)),
                new SalesPartition(new TenantId(reader.GetString(2)), reader.GetInt32(3), reader.GetInt32(4)),
                reader.GetString(5), ParseTime(reader.GetString(6)), reader.GetInt64(7) == 1, reader.GetInt32(8), reader.GetInt32(9)));
        }

        return audits;
    }

    public void Dispose() => _database.Dispose();

    private static SalesPartition Partition(SqliteDataReader reader) =>
        new(new TenantId(reader.GetString(0)), reader.GetInt32(1), reader.GetInt32(2));

    private static string RunKey(Guid runId) => runId.ToString("D");

    private static string Time(DateTimeOffset at) => SalesKeys.Timestamp(at);

    private static DateTimeOffset ParseTime(string text) =>
        new(DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind));

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction transaction, string sql, CancellationToken cancellationToken,
        params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>One prepared insert run once per row, inside the caller's transaction.</summary>
    private static async Task InsertAllAsync(
        SqliteConnection connection, SqliteTransaction transaction, string sql, string[] names, IEnumerable<object?[]> rows, CancellationToken cancellationToken)
    {
        await using var insert = Prepare(connection, transaction, sql, names);
        foreach (var row in rows)
        {
            Bind(insert, row);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] names)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in names)
        {
            command.Parameters.Add(new SqliteParameter(name, DBNull.Value));
        }

        return command;
    }

    private static void Bind(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }
}
