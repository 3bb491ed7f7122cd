using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Portal.Core.Pricing.Decisions;
using Portal.Infrastructure.Formats;

namespace Portal.Infrastructure.Embedded.Sqlite;

/// <summary>
/// The embedded pricing-decision store: its own table (<c>pricing_decisions</c>) in the sales store's SQLite file,
/// created on first use. Every read is filtered by tenant, so another tenant's id is simply not found.
/// </summary>
/// <remarks>
/// Money is TEXT holding the invariant <see cref="decimal"/> string (exact, scale included); times are fixed-width
/// ISO-8601 UTC text plus unix milliseconds for range filters and ordering; image keys and excluded sale ids are JSON arrays.
/// </remarks>
public sealed class SqlitePricingDecisionStore : IPricingDecisionStore, IDisposable
{
    private const string SelectColumns =
        "decision_id, tenant_id, user_name, decided_at, category, condition, brand, title, product_id, image_keys, suggested_price, " +
        "range_low, range_high, confidence, final_price, currency, override_reason, excluded_sale_ids, fallback, embedding_model, verdict, verdict_sentence";

    private const string SummaryColumns = "decision_id, user_name, decided_at, product_id, suggested_price, final_price, currency";

    private static readonly string[] Schema =
    [
        """
        CREATE TABLE IF NOT EXISTS pricing_decisions (
            tenant_id         TEXT    NOT NULL,
            decision_id       TEXT    NOT NULL,
            user_name         TEXT    NOT NULL,
            decided_at        TEXT    NOT NULL,
            decided_at_ms     INTEGER NOT NULL,
            category          TEXT    NOT NULL,
            condition         TEXT    NOT NULL,
            brand             TEXT    NULL,
            title             TEXT    NULL,
            product_id        TEXT    NULL,
            image_keys        TEXT    NOT NULL,
            suggested_price   TEXT    NOT NULL,
            range_low         TEXT    NOT NULL,
            range_high        TEXT    NOT NULL,
            confidence        REAL    NOT NULL,
            final_price       TEXT    NOT NULL,
            currency          TEXT    NOT NULL,
            override_reason   TEXT    NULL,
            excluded_sale_ids TEXT    NOT NULL,
            fallback          TEXT    NULL,
            embedding_model   TEXT    NOT NULL,
            verdict           TEXT    NULL,
            verdict_sentence  TEXT    NULL,
            PRIMARY KEY (tenant_id, decision_id)
        );
        """,
        "CREATE INDEX IF NOT EXISTS ix_pricing_decisions_tenant_time ON pricing_decisions (tenant_id, decided_at_ms DESC);",
        "CREATE INDEX IF NOT EXISTS ix_pricing_decisions_tenant_user ON pricing_decisions (tenant_id, user_name, decided_at_ms DESC);",
    ];

    private readonly SqliteDatabase _database;

    public SqlitePricingDecisionStore(string databasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        _database = new SqliteDatabase(databasePath, TimeSpan.FromSeconds(30),
            async (connection, transaction, cancellationToken) =>
            {
                await SqliteDatabase.ExecuteAllAsync(connection, transaction, Schema, cancellationToken);
                await AddVerdictColumnsAsync(connection, transaction, cancellationToken);
            });
    }

    public async Task SaveAsync(PricingDecision decision, CancellationToken cancellationToken)
    {
        PricingDecisionRules.Validate(decision);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            "INSERT INTO pricing_decisions (tenant_id, decision_id, user_name, decided_at, decided_at_ms, category, condition, brand, title, " +
            "product_id, image_keys, suggested_price, range_low, range_high, confidence, final_price, currency, override_reason, " +
            "excluded_sale_ids, fallback, embedding_model, verdict, verdict_sentence) VALUES ($tenant, $id, $user, $at, $at_ms, $category, $condition, " +
            "$brand, $title, $product, $images, $suggested, $low, $high, $confidence, $final, $currency, $reason, $excluded, $fallback, $model, " +
            "$verdict, $verdict_sentence);";
        var p = command.Parameters;
        p.AddWithValue("$tenant", decision.Tenant.Value);
        p.AddWithValue("$id", decision.DecisionId);
        p.AddWithValue("$user", decision.UserName);
        p.AddWithValue("$at", SalesKeys.Timestamp(decision.DecidedAt));
        p.AddWithValue("$at_ms", decision.DecidedAt.ToUnixTimeMilliseconds());
        p.AddWithValue("$category", decision.Category);
        p.AddWithValue("$condition", decision.Condition);
        p.AddWithValue("$brand", (object?)decision.Brand ?? DBNull.Value);
        p.AddWithValue("$title", (object?)decision.Title ?? DBNull.Value);
        p.AddWithValue("$product", (object?)decision.ProductId ?? DBNull.Value);
        p.AddWithValue("$images", JsonSerializer.Serialize(decision.ImageKeys));
        p.AddWithValue("$suggested", Money(decision.SuggestedPrice));
        p.AddWithValue("$low", Money(decision.RangeLow));
        p.AddWithValue("$high", Money(decision.RangeHigh));
        p.AddWithValue("$confidence", decision.Confidence);
        p.AddWithValue("$final", Money(decision.FinalPrice));
        p.AddWithValue("$currency", decision.Currency);
        p.AddWithValue("$reason", (object?)decision.OverrideReason ?? DBNull.Value);
        p.AddWithValue("$excluded", JsonSerializer.Serialize(decision.ExcludedSaleIds));
        p.AddWithValue("$fallback", (object?)decision.Fallback ?? DBNull.Value);
        p.AddWithValue("$model", decision.EmbeddingModel);
        p.AddWithValue("$verdict", (object?)VerdictNames.ToName(decision.Verdict?.Level) ?? DBNull.Value);
        p.AddWithValue("$verdict_sentence", (object?)decision.Verdict?.Sentence ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<PricingDecision?> GetAsync(TenantId tenant, string decisionId, CancellationToken cancellationToken)
    {
        PricingDecisionRules.RequireTenant(tenant);
        if (string.IsNullOrWhiteSpace(decisionId))
        {
            return null;
        }

        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {SelectColumns} FROM pricing_decisions WHERE tenant_id = $tenant AND decision_id = $id;";
        command.Parameters.AddWithValue("$tenant", tenant.Value);
        command.Parameters.AddWithValue("$id", decisionId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async Task<IReadOnlyList<PricingDecision>> QueryAsync(DecisionQuery query, CancellationToken cancellationToken)
    {
        Check(query);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            $"SELECT {SelectColumns} FROM pricing_decisions WHERE {Where(command, query)} " +
            "ORDER BY decided_at_ms DESC, decision_id DESC LIMIT $limit OFFSET $offset;";
        command.Parameters.AddWithValue("$limit", query.Limit);
        command.Parameters.AddWithValue("$offset", query.Offset);

        var decisions = new List<PricingDecision>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            decisions.Add(Read(reader));
        }

        return decisions;
    }

    public async Task<IReadOnlyList<DecisionSummary>> SummariseAsync(DecisionQuery query, CancellationToken cancellationToken)
    {
        Check(query);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            $"SELECT {SummaryColumns} FROM pricing_decisions WHERE {Where(command, query)} " +
            "ORDER BY decided_at_ms DESC, decision_id DESC LIMIT $limit;";
        command.Parameters.AddWithValue("$limit", query.Limit);

        var summaries = new List<DecisionSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            summaries.Add(new DecisionSummary(
                reader.GetString(0),
                reader.GetString(1),
                ParseTime(reader.GetString(2)),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                ParseMoney(reader.GetString(4)),
                ParseMoney(reader.GetString(5)),
                reader.GetString(6)));
        }

        return summaries;
    }

    /// <summary>Releases the pooled connections (and so the database file).</summary>
    public void Dispose() => _database.Dispose();

    private static void Check(DecisionQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        PricingDecisionRules.RequireTenant(query.Tenant);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit, nameof(query.Limit));
        ArgumentOutOfRangeException.ThrowIfNegative(query.Offset, nameof(query.Offset));
    }

    /// <summary>The query's filters as a WHERE clause, their values added to the command.</summary>
    private static string Where(SqliteCommand command, DecisionQuery query)
    {
        var where = new List<string> { "tenant_id = $tenant" };
        command.Parameters.AddWithValue("$tenant", query.Tenant.Value);
        if (!string.IsNullOrWhiteSpace(query.UserName))
        {
            where.Add("user_name = $user");
            command.Parameters.AddWithValue("$user", query.UserName);
        }

        if (!string.IsNullOrWhiteSpace(query.Category))
        {
            where.Add("category = $category");
            command.Parameters.AddWithValue("$category", query.Category);
        }

        if (query.From is { } from)
        {
            where.Add("decided_at_ms >= $from");
            command.Parameters.AddWithValue("$from", from.ToUnixTimeMilliseconds());
        }

        if (query.To is { } to)
        {
            where.Add("decided_at_ms <= $to");
            command.Parameters.AddWithValue("$to", to.ToUnixTimeMilliseconds());
        }

        return string.Join(" AND ", where);
    }

    /// <summary>Files created before decisions kept their verdict get the columns; their old rows read with no verdict.</summary>
    private static async Task AddVerdictColumnsAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        await using var probe = connection.CreateCommand();
        probe.Transaction = transaction;
        probe.CommandText = "SELECT COUNT(*) FROM pragma_table_info('pricing_decisions') WHERE name = 'verdict';";
        if (Convert.ToInt32(await probe.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) == 0)
        {
            await SqliteDatabase.ExecuteAllAsync(connection, transaction,
                ["ALTER TABLE pricing_decisions ADD COLUMN verdict TEXT;", "ALTER TABLE pricing_decisions ADD COLUMN verdict_sentence TEXT;"], cancellationToken);
        }
    }

    private static PricingDecision Read(SqliteDataReader reader) => new()
    {
        DecisionId = reader.GetString(0),
        Tenant = new TenantId(reader.GetString(1)),
        UserName = reader.GetString(2),
        DecidedAt = ParseTime(reader.GetString(3)),
        Category = reader.GetString(4),
        Condition = reader.GetString(5),
        Brand = reader.IsDBNull(6) ? null : reader.GetString(6),
        Title = reader.IsDBNull(7) ? null : reader.GetString(7),
        ProductId = reader.IsDBNull(8) ? null : reader.GetString(8),
        ImageKeys = JsonSerializer.Deserialize<string[]>(reader.GetString(9)) ?? [],
        SuggestedPrice = ParseMoney(reader.GetString(10)),
        RangeLow = ParseMoney(reader.GetString(11)),
        RangeHigh = ParseMoney(reader.GetString(12)),
        Confidence = reader.GetDouble(13),
        FinalPrice = ParseMoney(reader.GetString(14)),
        Currency = reader.GetString(15),
        OverrideReason = reader.IsDBNull(16) ? null : reader.GetString(16),
        ExcludedSaleIds = JsonSerializer.Deserialize<string[]>(reader.GetString(17)) ?? [],
        Fallback = reader.IsDBNull(18) ? null : reader.GetString(18),
        EmbeddingModel = reader.GetString(19),
        Verdict = VerdictNames.Read(reader.IsDBNull(20) ? null : reader.GetString(20), reader.IsDBNull(21) ? null : reader.GetString(21)),
    };

    private static DateTimeOffset ParseTime(string text) =>
        new(DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind));

    private static string Money(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private static decimal ParseMoney(string text) => decimal.Parse(text, NumberStyles.Number, CultureInfo.InvariantCulture);
}
