using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Portal.Infrastructure.Formats;

namespace Portal.Infrastructure.Embedded.Sqlite;

/// <summary>Reading sales: queries with their filters, streams, counts and lookups; a row back into a sale and its embedding.</summary>
public sealed partial class SqliteSalesStore
{
    /// <summary>The columns <see cref="ReadSale"/> reads, in its order (embedding, model and dimension last, at 13–15).</summary>
    internal const string SelectColumns =
        "tenant_id, product_id, sale_id, category, brand, condition, title, description, sold_price, currency, sold_at, image_key, source, " +
        "embedding, embedding_model, embedding_dim";

    public async Task<bool> ContainsSaleAsync(TenantId tenant, string saleId, CancellationToken cancellationToken)
    {
        RequireTenant(tenant);
        ArgumentException.ThrowIfNullOrWhiteSpace(saleId);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT EXISTS (SELECT 1 FROM sales WHERE tenant_id = $tenant AND sale_id = $sale_id AND ttl > $now);";
        command.Parameters.AddWithValue("$tenant", tenant.Value);
        command.Parameters.AddWithValue("$sale_id", saleId);
        command.Parameters.AddWithValue("$now", NowSeconds());
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) == 1;
    }

    public async Task<IReadOnlyList<SaleRecord>> QuerySalesAsync(SalesQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        RequireTenant(query.Tenant);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit, nameof(query.Limit));
        ArgumentOutOfRangeException.ThrowIfNegative(query.Offset, nameof(query.Offset));

        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var sql = new System.Text.StringBuilder($"SELECT {SelectColumns} FROM sales");
        AppendFilters(sql, command, query);
        var direction = query.Descending ? "DESC" : "ASC";
        // Whitelisted: the enum picks one of these fixed expressions, never text from the caller.
        var order = query.SortBy switch
        {
            SalesSort.SoldAt => $"sold_at_ms {direction}",
            SalesSort.Price => $"CAST(sold_price AS REAL) {direction}, sold_at_ms DESC",
            SalesSort.Brand => $"brand IS NULL, brand COLLATE NOCASE {direction}, sold_at_ms DESC",
            SalesSort.Category => $"category {direction}, sold_at_ms DESC",
            _ => throw new ArgumentOutOfRangeException(nameof(query), query.SortBy, "Unknown sort."),
        };
        sql.Append(" ORDER BY ").Append(order).Append(", sale_id LIMIT $limit OFFSET $offset;");
        command.Parameters.AddWithValue("$limit", query.Limit);
        command.Parameters.AddWithValue("$offset", query.Offset);
        command.CommandText = sql.ToString();

        var results = new List<SaleRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            results.Add(ReadSale(reader));
        }

        return results;
    }

    public async IAsyncEnumerable<(SaleRecord Sale, StoredEmbedding? Embedding)> StreamSalesAsync(
        TenantId tenant, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        RequireTenant(tenant);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // Every live sale, by date: the index needs the ones without embeddings too, for medians and seasonal indexes.
        command.CommandText = $"SELECT {SelectColumns} FROM sales WHERE tenant_id = $tenant AND ttl > $now ORDER BY sold_at_ms, sale_id;";
        command.Parameters.AddWithValue("$tenant", tenant.Value);
        command.Parameters.AddWithValue("$now", NowSeconds());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var sale = ReadSale(reader);
            yield return (sale, ReadEmbedding(reader, sale));
        }
    }

    public async Task<IReadOnlyList<TenantId>> GetTenantsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT DISTINCT tenant_id FROM sales WHERE ttl > $now ORDER BY tenant_id;";
        command.Parameters.AddWithValue("$now", NowSeconds());
        var tenants = new List<TenantId>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            tenants.Add(new TenantId(reader.GetString(0)));
        }

        return tenants;
    }

    public async Task<IReadOnlyList<string>> GetCategoriesAsync(TenantId tenant, CancellationToken cancellationToken)
    {
        RequireTenant(tenant);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT DISTINCT category FROM sales WHERE tenant_id = $tenant AND ttl > $now ORDER BY category;";
        command.Parameters.AddWithValue("$tenant", tenant.Value);
        command.Parameters.AddWithValue("$now", NowSeconds());
        var categories = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            categories.Add(reader.GetString(0));
        }

        return categories;
    }

    public async Task<long> CountSalesAsync(TenantId tenant, CancellationToken cancellationToken)
    {
        RequireTenant(tenant);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sales WHERE tenant_id = $tenant AND ttl > $now;";
        command.Parameters.AddWithValue("$tenant", tenant.Value);
        command.Parameters.AddWithValue("$now", NowSeconds());
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    public async Task<long> CountSalesAsync(SalesQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        RequireTenant(query.Tenant);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var sql = new System.Text.StringBuilder("SELECT COUNT(*) FROM sales");
        AppendFilters(sql, command, query);
        command.CommandText = sql.Append(';').ToString();
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    public async Task<SaleRecord?> GetSaleAsync(TenantId tenant, string saleId, CancellationToken cancellationToken)
    {
        RequireTenant(tenant);
        if (string.IsNullOrWhiteSpace(saleId))
        {
            return null;
        }

        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {SelectColumns} FROM sales WHERE tenant_id = $tenant AND sale_id = $sale_id AND ttl > $now;";
        command.Parameters.AddWithValue("$tenant", tenant.Value);
        command.Parameters.AddWithValue("$sale_id", saleId);
        command.Parameters.AddWithValue("$now", NowSeconds());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadSale(reader) : null;
    }

    /// <summary>The WHERE clause of a sales query: every value a bound parameter.</summary>
    private void AppendFilters(System.Text.StringBuilder sql, SqliteCommand command, SalesQuery query)
    {
        sql.Append(" WHERE tenant_id = $tenant AND ttl > $now");
        command.Parameters.AddWithValue("$tenant", query.Tenant.Value);
        command.Parameters.AddWithValue("$now", NowSeconds());
        if (query.ProductId is not null)
        {
            // Base-table access pattern: the partition key.
            sql.Append(" AND pk = $pk");
            command.Parameters.AddWithValue("$pk", SalesKeys.Pk(query.Tenant, query.ProductId));
        }

        if (query.Brand is not null)
        {
            // GSI-3 access pattern.
            sql.Append(" AND gsi3pk = $gsi3pk");
            command.Parameters.AddWithValue("$gsi3pk", SalesKeys.Gsi3Pk(query.Tenant, query.Brand));
        }

        if (query.Category is not null)
        {
            sql.Append(" AND category = $category");
            command.Parameters.AddWithValue("$category", query.Category);
        }

        if (query.Condition is { } condition)
        {
            sql.Append(" AND condition = $condition");
            command.Parameters.AddWithValue("$condition", condition.ToWireName());
        }

        if (query.MinPrice is { } min)
        {
            sql.Append(" AND CAST(sold_price AS REAL) >= $min_price");
            command.Parameters.AddWithValue("$min_price", (double)min);
        }

        if (query.MaxPrice is { } max)
        {
            sql.Append(" AND CAST(sold_price AS REAL) <= $max_price");
            command.Parameters.AddWithValue("$max_price", (double)max);
        }

        if (query.SoldFrom is { } from)
        {
            sql.Append(" AND sold_at_ms >= $from");
            command.Parameters.AddWithValue("$from", from.ToUnixTimeMilliseconds());
        }

        if (query.SoldTo is { } to)
        {
            sql.Append(" AND sold_at_ms <= $to");
            command.Parameters.AddWithValue("$to", to.ToUnixTimeMilliseconds());
        }
    }

    internal static SaleRecord ReadSale(SqliteDataReader reader) => new()
    {
        Tenant = new TenantId(reader.GetString(0)),
        ProductId = reader.GetString(1),
        SaleId = reader.GetString(2),
        Category = reader.GetString(3),
        Brand = reader.IsDBNull(4) ? null : reader.GetString(4),
        Condition = !reader.IsDBNull(5) && ItemConditions.TryParse(reader.GetString(5), out var condition) ? condition : null,
        Title = reader.IsDBNull(6) ? null : reader.GetString(6),
        Description = reader.IsDBNull(7) ? null : reader.GetString(7),
        SoldPrice = decimal.Parse(reader.GetString(8), NumberStyles.Number, CultureInfo.InvariantCulture),
        Currency = reader.GetString(9),
        SoldAt = new DateTimeOffset(DateTime.Parse(reader.GetString(10), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)),
        ImageKey = reader.IsDBNull(11) ? null : reader.GetString(11),
        Source = reader.GetString(12),
    };

    private StoredEmbedding? ReadEmbedding(SqliteDataReader reader, SaleRecord sale)
    {
        if (reader.IsDBNull(13))
        {
            return null;
        }

        var bytes = (byte[])reader.GetValue(13);
        var model = reader.IsDBNull(14) ? null : reader.GetString(14);
        var dimension = reader.IsDBNull(15) ? 0L : reader.GetInt64(15);
        if (EmbeddingCodec.TryDecode(model, dimension, bytes, out var embedding))
        {
            return embedding;
        }

        LogCorruptEmbedding(_logger, sale.Tenant.Value, sale.SaleId, bytes.Length, dimension, model);
        return null;
    }

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning,
        Message = "Sale {TenantId}/{SaleId} has an unreadable embedding ({Length} bytes, dimension {Dimension}, model {ModelId}); returned without it")]
    private static partial void LogCorruptEmbedding(ILogger logger, string tenantId, string saleId, int length, long dimension, string? modelId);
}
