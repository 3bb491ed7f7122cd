using Microsoft.Data.Sqlite;
using Portal.Core.Sync;
using Portal.Infrastructure.Formats;

namespace Portal.Infrastructure.Embedded.Sqlite;

/// <summary>
/// The embedded idempotency store: its own table (<c>idempotency_records</c>) in a SQLite file (WAL), created on first use.
/// Every operation opens its own (pooled) connection, so one instance is safe to share between threads, and several
/// instances (or processes) may share the file.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>expiry</c> is epoch seconds (the DynamoDB TTL attribute); a record is live while <c>expiry &gt;= now</c>. Reads
/// treat an expired record as absent, because physical deletion (<see cref="PurgeExpiredAsync"/>) may lag.</item>
/// <item><c>lease_expiry_ms</c> is epoch milliseconds (Powertools' <c>in_progress_expiry</c>).</item>
/// <item>The claim is ONE conditional statement (<c>INSERT ... ON CONFLICT(key) DO UPDATE ... WHERE</c>) that writes a fresh
/// <c>claim_token</c>; reading the row back in the same (immediate) transaction decides the answer: our token means Started.</item>
/// </list>
/// </remarks>
public sealed class SqliteIdempotencyStore : IIdempotencyStore, IDisposable
{
    private const string InProgress = "IN_PROGRESS";
    private const string Completed = "COMPLETED";

    private static readonly string[] Schema =
    [
        """
        CREATE TABLE IF NOT EXISTS idempotency_records (
            key             TEXT    NOT NULL PRIMARY KEY,
            tenant_id       TEXT    NOT NULL,
            status          TEXT    NOT NULL CHECK (status IN ('IN_PROGRESS', 'COMPLETED')),
            payload_sha256  TEXT    NOT NULL,
            outcome         TEXT    NULL,
            expiry          INTEGER NOT NULL,
            lease_expiry_ms INTEGER NOT NULL,
            claim_token     TEXT    NOT NULL,
            updated_at      TEXT    NOT NULL
        );
        """,
        "CREATE INDEX IF NOT EXISTS ix_idempotency_records_expiry ON idempotency_records (expiry);",
    ];

    // Absent (no conflict), expired, or in progress with a lapsed lease for the same payload: take it. A lapsed lease with a
    // different payload is not taken over: the key stays bound to its payload until the record expires.
    private const string ClaimSql =
        """
        INSERT INTO idempotency_records (key, tenant_id, status, payload_sha256, outcome, expiry, lease_expiry_ms, claim_token, updated_at)
        VALUES ($key, $tenant, 'IN_PROGRESS', $hash, NULL, $expiry, $lease_expiry_ms, $token, $updated_at)
        ON CONFLICT (key) DO UPDATE SET
            tenant_id = excluded.tenant_id,
            status = 'IN_PROGRESS',
            payload_sha256 = excluded.payload_sha256,
            outcome = NULL,
            expiry = excluded.expiry,
            lease_expiry_ms = excluded.lease_expiry_ms,
            claim_token = excluded.claim_token,
            updated_at = excluded.updated_at
        WHERE idempotency_records.expiry < $now
           OR (idempotency_records.status = 'IN_PROGRESS'
               AND idempotency_records.lease_expiry_ms < $now_ms
               AND idempotency_records.payload_sha256 = excluded.payload_sha256);
        """;

    private readonly SqliteDatabase _database;
    private readonly SqliteIdempotencyStoreOptions _options;
    private readonly TimeProvider _timeProvider;

    public SqliteIdempotencyStore(SqliteIdempotencyStoreOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.DatabasePath);
        ArgumentNullException.ThrowIfNull(options.Idempotency);
        if (options.Idempotency.Expiry <= TimeSpan.Zero || options.Idempotency.Lease <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Idempotency Expiry and Lease must be positive.");
        }

        _options = options;
        _timeProvider = timeProvider;
        _database = SqliteDatabase.WithSchema(options.DatabasePath, Schema, options.BusyTimeout);
    }

    public async Task<IdempotencyClaim> TryBeginAsync(IdempotencyKey key, string payloadSha256, TimeSpan lease, CancellationToken cancellationToken) =>
        (await TryBeginManyAsync([(key, payloadSha256)], lease, cancellationToken))[0];

    /// <summary>Claims the keys in order inside ONE immediate transaction (a micro-batch pays for one commit, not one per event).</summary>
    public async Task<IReadOnlyList<IdempotencyClaim>> TryBeginManyAsync(IReadOnlyList<(IdempotencyKey Key, string PayloadSha256)> claims, TimeSpan lease, CancellationToken cancellationToken)
    {
        ValidateClaims(claims, lease);
        if (claims.Count == 0)
        {
            return [];
        }

        var now = _timeProvider.GetUtcNow();
        await using var connection = await _database.OpenAsync(cancellationToken);
        // BEGIN IMMEDIATE: the conditional write and the read-back see the same state; concurrent claims queue on the write lock.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var claim = ClaimCommand(connection, transaction, now, lease);
        await using var read = connection.CreateCommand();
        read.Transaction = transaction;
        read.CommandText = "SELECT claim_token, status, payload_sha256, outcome FROM idempotency_records WHERE key = $key;";
        read.Parameters.Add(new SqliteParameter("$key", DBNull.Value));

        var results = new IdempotencyClaim[claims.Count];
        for (var i = 0; i < claims.Count; i++)
        {
            var (key, payloadSha256) = claims[i];
            var token = Guid.NewGuid().ToString("N");
            claim.Parameters["$key"].Value = key.Value;
            claim.Parameters["$tenant"].Value = key.Tenant.Value;
            claim.Parameters["$hash"].Value = payloadSha256;
            claim.Parameters["$token"].Value = token;
            await claim.ExecuteNonQueryAsync(cancellationToken);

            read.Parameters["$key"].Value = key.Value;
            results[i] = await ReadClaimAsync(read, key, token, payloadSha256, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return results;
    }

    private static void ValidateClaims(IReadOnlyList<(IdempotencyKey Key, string PayloadSha256)> claims, TimeSpan lease)
    {
        ArgumentNullException.ThrowIfNull(claims);
        foreach (var (key, payloadSha256) in claims)
        {
            ArgumentNullException.ThrowIfNull(key);
            ValidateHash(payloadSha256);
        }

        if (lease <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(lease), lease, "The lease must be positive.");
        }
    }

    /// <summary>The conditional claim of one key: its key, tenant, hash and token are set per claim, the times once per batch.</summary>
    private SqliteCommand ClaimCommand(SqliteConnection connection, SqliteTransaction transaction, DateTimeOffset now, TimeSpan lease)
    {
        var claim = connection.CreateCommand();
        claim.Transaction = transaction;
        claim.CommandText = ClaimSql;
        claim.Parameters.Add(new SqliteParameter("$key", DBNull.Value));
        claim.Parameters.Add(new SqliteParameter("$tenant", DBNull.Value));
        claim.Parameters.Add(new SqliteParameter("$hash", DBNull.Value));
        claim.Parameters.Add(new SqliteParameter("$token", DBNull.Value));
        claim.Parameters.AddWithValue("$expiry", now.Add(_options.Idempotency.Expiry).ToUnixTimeSeconds());
        claim.Parameters.AddWithValue("$lease_expiry_ms", now.Add(lease).ToUnixTimeMilliseconds());
        claim.Parameters.AddWithValue("$updated_at", SalesKeys.Timestamp(now));
        claim.Parameters.AddWithValue("$now", now.ToUnixTimeSeconds());
        claim.Parameters.AddWithValue("$now_ms", now.ToUnixTimeMilliseconds());
        return claim;
    }

    /// <summary>The record as the claim left it: ours (our token), another payload's, completed, or still in progress elsewhere.</summary>
    private static async Task<IdempotencyClaim> ReadClaimAsync(SqliteCommand read, IdempotencyKey key, string token, string payloadSha256, CancellationToken cancellationToken)
    {
        await using var reader = await read.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException($"Idempotency record '{key.Value}' vanished inside its own transaction.");
        }

        return reader.GetString(0) == token ? IdempotencyClaim.Started
            : !string.Equals(reader.GetString(2), payloadSha256, StringComparison.Ordinal) ? IdempotencyClaim.PayloadMismatch
            : reader.GetString(1) == Completed ? IdempotencyClaim.Completed(reader.IsDBNull(3) ? string.Empty : reader.GetString(3))
            : IdempotencyClaim.InProgress;
    }

    /// <summary>Completes the keys inside ONE transaction; false where the record was no longer live.</summary>
    public async Task<IReadOnlyList<bool>> CompleteManyAsync(IReadOnlyList<(IdempotencyKey Key, string OutcomeJson)> completions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(completions);
        if (completions.Count == 0)
        {
            return [];
        }

        var now = _timeProvider.GetUtcNow();
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText =
            "UPDATE idempotency_records SET status = 'COMPLETED', outcome = $outcome, expiry = $expiry, updated_at = $updated_at " +
            "WHERE key = $key AND expiry >= $now;";
        var keyParameter = command.Parameters.Add(new SqliteParameter("$key", DBNull.Value));
        var outcomeParameter = command.Parameters.Add(new SqliteParameter("$outcome", DBNull.Value));
        command.Parameters.AddWithValue("$expiry", now.Add(_options.Idempotency.Expiry).ToUnixTimeSeconds());
        command.Parameters.AddWithValue("$updated_at", SalesKeys.Timestamp(now));
        command.Parameters.AddWithValue("$now", now.ToUnixTimeSeconds());
        var results = new bool[completions.Count];
        for (var i = 0; i < completions.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(completions[i].Key);
            ArgumentNullException.ThrowIfNull(completions[i].OutcomeJson);
            keyParameter.Value = completions[i].Key.Value;
            outcomeParameter.Value = completions[i].OutcomeJson;
            results[i] = await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        }

        await transaction.CommitAsync(cancellationToken);
        return results;
    }

    public async Task CompleteAsync(IdempotencyKey key, string outcomeJson, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(outcomeJson);
        if (!(await CompleteManyAsync([(key, outcomeJson)], cancellationToken))[0])
        {
            throw new InvalidOperationException($"Idempotency record '{key.Value}' is not live (released or expired); it cannot be completed.");
        }
    }

    public async Task ReleaseAsync(IdempotencyKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"DELETE FROM idempotency_records WHERE key = $key AND status = '{InProgress}';";
        command.Parameters.AddWithValue("$key", key.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Physically deletes expired records (they are already treated as absent); returns how many.</summary>
    public async Task<int> PurgeExpiredAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM idempotency_records WHERE expiry < $now;";
        command.Parameters.AddWithValue("$now", _timeProvider.GetUtcNow().ToUnixTimeSeconds());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Releases the pooled connections (and so the database file).</summary>
    public void Dispose() => _database.Dispose();

    private static void ValidateHash(string payloadSha256)
    {
        ArgumentNullException.ThrowIfNull(payloadSha256);
        if (payloadSha256.Length != 64 || !payloadSha256.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f')))
        {
            throw new ArgumentException("The payload hash must be 64 lowercase hex characters (SHA-256).", nameof(payloadSha256));
        }
    }
}
