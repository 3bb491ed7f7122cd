using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Portal.Core.Sync;
using Portal.Infrastructure.Formats;

namespace Portal.Infrastructure.Embedded.Sqlite;

/// <summary>
/// The embedded dead-letter queue: its own table (<c>dead_letters</c>) in the shared SQLite file. A letter is resolved once
/// (redriven or discarded) with who, when and why — the audit trail — by a conditional update on <c>status = 'Pending'</c>,
/// so two operators acting at once cannot both resolve it.
/// </summary>
public sealed class SqliteDeadLetterStore : IDeadLetterStore, IDisposable
{
    /// <summary>Payloads above this are truncated on write (a whole-batch error may carry up to the batch limit).</summary>
    public const int MaxPayloadChars = 1_048_576;

    private const int MaxReasonChars = 4_000;

    private static readonly string[] Schema =
    [
        """
        CREATE TABLE IF NOT EXISTS dead_letters (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            tenant_id       TEXT    NULL,
            event_id        TEXT    NULL,
            detail_type     TEXT    NULL,
            category        TEXT    NOT NULL,
            reason          TEXT    NOT NULL,
            payload         TEXT    NOT NULL,
            transport       TEXT    NOT NULL,
            attempts        INTEGER NOT NULL,
            failed_at       TEXT    NOT NULL,
            status          TEXT    NOT NULL CHECK (status IN ('Pending', 'Redriven', 'Discarded')),
            resolved_by     TEXT    NULL,
            resolved_at     TEXT    NULL,
            resolution_note TEXT    NULL
        );
        """,
        "CREATE INDEX IF NOT EXISTS ix_dead_letters_tenant_status ON dead_letters (tenant_id, status, id DESC);",
        "CREATE INDEX IF NOT EXISTS ix_dead_letters_status ON dead_letters (status, id DESC);",
    ];

    private const string Columns =
        "id, tenant_id, event_id, detail_type, category, reason, payload, transport, attempts, failed_at, status, resolved_by, resolved_at, resolution_note";

    private readonly SqliteDatabase _database;
    private readonly TimeProvider _timeProvider;

    public SqliteDeadLetterStore(string databasePath, TimeProvider timeProvider, TimeSpan? busyTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        _database = SqliteDatabase.WithSchema(databasePath, Schema, busyTimeout);
    }

    public async Task<long> AddAsync(NewDeadLetter letter, CancellationToken cancellationToken)
    {
        // NewDeadLetter checks its own fields when it is made.
        ArgumentNullException.ThrowIfNull(letter);

        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            """
            INSERT INTO dead_letters (tenant_id, event_id, detail_type, category, reason, payload, transport, attempts, failed_at, status)
            VALUES ($tenant, $event_id, $detail_type, $category, $reason, $payload, $transport, $attempts, $failed_at, 'Pending')
            RETURNING id;
            """;
        command.Parameters.AddWithValue("$tenant", (object?)letter.Tenant?.Value ?? DBNull.Value);
        command.Parameters.AddWithValue("$event_id", (object?)Truncate(letter.EventId, 256) ?? DBNull.Value);
        command.Parameters.AddWithValue("$detail_type", (object?)Truncate(letter.DetailType, 128) ?? DBNull.Value);
        command.Parameters.AddWithValue("$category", letter.Category.ToString());
        command.Parameters.AddWithValue("$reason", Truncate(letter.Reason, MaxReasonChars));
        command.Parameters.AddWithValue("$payload", Truncate(letter.Payload, MaxPayloadChars));
        command.Parameters.AddWithValue("$transport", Truncate(letter.Transport, 32));
        command.Parameters.AddWithValue("$attempts", letter.Attempts);
        command.Parameters.AddWithValue("$failed_at", SalesKeys.Timestamp(letter.FailedAt));
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<IReadOnlyList<DeadLetter>> ListAsync(DeadLetterQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Offset);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var where = Where(command, query);
        command.CommandText = $"SELECT {Columns} FROM dead_letters {where} ORDER BY id DESC LIMIT $limit OFFSET $offset;";
        command.Parameters.AddWithValue("$limit", Math.Min(query.Limit, 1000));
        command.Parameters.AddWithValue("$offset", query.Offset);
        var letters = new List<DeadLetter>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            letters.Add(Read(reader));
        }

        return letters;
    }

    public async Task<long> CountAsync(DeadLetterQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM dead_letters {Where(command, query)};";
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<DeadLetter?> GetAsync(long id, DeadLetterQuery scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var where = Where(command, scope with { Status = null, Category = null }, "id = $id");
        command.CommandText = $"SELECT {Columns} FROM dead_letters {where};";
        command.Parameters.AddWithValue("$id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public Task<bool> MarkRedrivenAsync(long id, DeadLetterQuery scope, string actor, string? note, CancellationToken cancellationToken) =>
        ResolveAsync(id, scope, DeadLetterStatus.Redriven, actor, note, cancellationToken);

    public Task<bool> DiscardAsync(long id, DeadLetterQuery scope, string actor, string reason, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return ResolveAsync(id, scope, DeadLetterStatus.Discarded, actor, reason, cancellationToken);
    }

    public void Dispose() => _database.Dispose();

    private async Task<bool> ResolveAsync(long id, DeadLetterQuery scope, DeadLetterStatus status, string actor, string? note, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var where = Where(command, scope with { Status = DeadLetterStatus.Pending, Category = null }, "id = $id");
        command.CommandText =
            $"UPDATE dead_letters SET status = $new_status, resolved_by = $actor, resolved_at = $at, resolution_note = $note {where};";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$new_status", status.ToString());
        command.Parameters.AddWithValue("$actor", Truncate(actor, 256));
        command.Parameters.AddWithValue("$at", SalesKeys.Timestamp(_timeProvider.GetUtcNow()));
        command.Parameters.AddWithValue("$note", (object?)Truncate(note, MaxReasonChars) ?? DBNull.Value);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>The WHERE clause of a scope; values are always parameters. A query that is neither for one tenant nor for all sees nothing.</summary>
    private static string Where(SqliteCommand command, DeadLetterQuery query, string? extra = null)
    {
        var clauses = new List<string>();
        if (extra is not null)
        {
            clauses.Add(extra);
        }

        if (!query.AllTenants)
        {
            if (query.Tenant is { } tenant)
            {
                clauses.Add("tenant_id = $scope_tenant");
                command.Parameters.AddWithValue("$scope_tenant", tenant.Value);
            }
            else
            {
                clauses.Add("0 = 1");
            }
        }

        if (query.Status is { } status)
        {
            clauses.Add("status = $scope_status");
            command.Parameters.AddWithValue("$scope_status", status.ToString());
        }

        if (query.Category is { } category)
        {
            clauses.Add("category = $scope_category");
            command.Parameters.AddWithValue("$scope_category", category.ToString());
        }

        return clauses.Count == 0 ? string.Empty : "WHERE " + string.Join(" AND ", clauses);
    }

    private static DeadLetter Read(SqliteDataReader reader) => new()
    {
        Id = reader.GetInt64(0),
        Tenant = reader.IsDBNull(1) ? null : new TenantId(reader.GetString(1)),
        EventId = reader.IsDBNull(2) ? null : reader.GetString(2),
        DetailType = reader.IsDBNull(3) ? null : reader.GetString(3),
        Category = Enum.Parse<DeadLetterCategory>(reader.GetString(4)),
        Reason = reader.GetString(5),
        Payload = reader.GetString(6),
        Transport = reader.GetString(7),
        Attempts = reader.GetInt32(8),
        FailedAt = DateTimeOffset.Parse(reader.GetString(9), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
        Status = Enum.Parse<DeadLetterStatus>(reader.GetString(10)),
        ResolvedBy = reader.IsDBNull(11) ? null : reader.GetString(11),
        ResolvedAt = reader.IsDBNull(12) ? null : DateTimeOffset.Parse(reader.GetString(12), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
        ResolutionNote = reader.IsDBNull(13) ? null : reader.GetString(13),
    };

    [return: NotNullIfNotNull(nameof(value))]
    private static string? Truncate(string? value, int max) => value is null || value.Length <= max ? value : value[..max];
}
