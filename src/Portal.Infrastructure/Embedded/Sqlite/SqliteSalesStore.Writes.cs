using System.Globalization;
using Microsoft.Data.Sqlite;
using Portal.Infrastructure.Formats;

namespace Portal.Infrastructure.Embedded.Sqlite;

/// <summary>Writing sales: insert one or many (idempotent on the sale's keys), replace an embedding, purge what expired.</summary>
public sealed partial class SqliteSalesStore
{
    private const string Columns =
        "pk, sk, gsi1pk, gsi1sk, gsi2pk, gsi2sk, gsi3pk, gsi3sk, tenant_id, product_id, sale_id, category, brand, condition, title, " +
        "description, sold_price, currency, sold_at, sold_at_ms, season, image_key, source, ttl, embedding, embedding_model, embedding_dim, written_at_ms";

    private const string InsertSql =
        $"INSERT INTO sales ({Columns}) VALUES ($pk, $sk, $gsi1pk, $gsi1sk, $gsi2pk, $gsi2sk, $gsi3pk, $gsi3sk, $tenant_id, $product_id, " +
        "$sale_id, $category, $brand, $condition, $title, $description, $sold_price, $currency, $sold_at, $sold_at_ms, $season, $image_key, " +
        "$source, $ttl, $embedding, $embedding_model, $embedding_dim, $written_at_ms) ON CONFLICT DO NOTHING;";

    public async Task<bool> AddSaleAsync(SaleRecord sale, StoredEmbedding? embedding, CancellationToken cancellationToken)
    {
        SaleRecord.ThrowIfInvalid(sale, embedding);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = InsertSql;
        var parameters = InsertParameters.AddTo(command);
        // No transaction: the statement may still wait for the write lock after this stamp; the feed's overlap covers that.
        parameters.Bind(sale, embedding, TtlOf(sale), WriteStamp());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<int> AddSalesAsync(IReadOnlyList<(SaleRecord Sale, StoredEmbedding? Embedding)> sales, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sales);
        foreach (var (sale, embedding) in sales)
        {
            SaleRecord.ThrowIfInvalid(sale, embedding);
        }

        if (sales.Count == 0)
        {
            return 0;
        }

        await using var connection = await _database.OpenAsync(cancellationToken);
        // BEGIN IMMEDIATE: take the write lock up front so a concurrent writer waits instead of failing on upgrade.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = InsertSql;
        var parameters = InsertParameters.AddTo(command);
        command.Prepare();

        var writtenAt = WriteStamp();
        var inserted = 0;
        foreach (var (sale, embedding) in sales)
        {
            cancellationToken.ThrowIfCancellationRequested();
            parameters.Bind(sale, embedding, TtlOf(sale), writtenAt);
            inserted += command.ExecuteNonQuery();
        }

        await transaction.CommitAsync(cancellationToken);
        return inserted;
    }

    public async Task<bool> ReplaceEmbeddingAsync(TenantId tenant, string saleId, StoredEmbedding embedding, CancellationToken cancellationToken)
    {
        RequireTenant(tenant);
        ArgumentNullException.ThrowIfNull(embedding);
        if (string.IsNullOrWhiteSpace(saleId))
        {
            return false;
        }

        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            "UPDATE sales SET embedding = $embedding, embedding_model = $model, embedding_dim = $dim " +
            "WHERE tenant_id = $tenant AND sale_id = $sale_id AND ttl > $now;";
        command.Parameters.AddWithValue("$embedding", EmbeddingCodec.Encode(embedding.Vector));
        command.Parameters.AddWithValue("$model", embedding.ModelId);
        command.Parameters.AddWithValue("$dim", embedding.Dimension);
        command.Parameters.AddWithValue("$tenant", tenant.Value);
        command.Parameters.AddWithValue("$sale_id", saleId);
        command.Parameters.AddWithValue("$now", NowSeconds());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Physically deletes expired sales (reads already hide them); returns how many were deleted.</summary>
    public async Task<int> PurgeExpiredAsync(CancellationToken cancellationToken)
    {
        var now = NowSeconds();
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var photos = connection.CreateCommand())
        {
            // A sale's further photos go with it.
            photos.Transaction = transaction;
            photos.CommandText =
                "DELETE FROM sale_images WHERE EXISTS (SELECT 1 FROM sales s WHERE s.tenant_id = sale_images.tenant_id " +
                "AND s.sale_id = sale_images.sale_id AND s.ttl <= $now);";
            photos.Parameters.AddWithValue("$now", now);
            await photos.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "DELETE FROM sales WHERE ttl <= $now;";
        command.Parameters.AddWithValue("$now", now);
        var deleted = await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return deleted;
    }

    /// <summary>The insert command's parameters, created once and rebound per row.</summary>
    private sealed class InsertParameters
    {
        private readonly SqliteParameter[] _p;

        private InsertParameters(SqliteParameter[] parameters) => _p = parameters;

        public static InsertParameters AddTo(SqliteCommand command)
        {
            var names = Columns.Split(", ");
            var parameters = new SqliteParameter[names.Length];
            for (var i = 0; i < names.Length; i++)
            {
                parameters[i] = command.Parameters.Add(new SqliteParameter("$" + names[i], DBNull.Value));
            }

            return new InsertParameters(parameters);
        }

        public void Bind(SaleRecord sale, StoredEmbedding? embedding, long ttl, long writtenAtMs)
        {
            var tenant = sale.Tenant;
            var season = sale.Season;
            var date = SalesKeys.DateSk(sale.SoldAt);
            var i = 0;
            Set(ref i, SalesKeys.Pk(tenant, sale.ProductId));
            Set(ref i, SalesKeys.Sk(sale.SoldAt, sale.SaleId));
            Set(ref i, SalesKeys.Gsi1Pk(tenant, sale.Category, season));
            Set(ref i, SalesKeys.Gsi1Sk(sale.SoldPrice, sale.SoldAt));
            Set(ref i, embedding is null ? null : SalesKeys.Gsi2Pk(tenant));
            Set(ref i, embedding is null ? null : date);
            Set(ref i, sale.Brand is null ? null : SalesKeys.Gsi3Pk(tenant, sale.Brand));
            Set(ref i, sale.Brand is null ? null : date);
            Set(ref i, tenant.Value);
            Set(ref i, sale.ProductId);
            Set(ref i, sale.SaleId);
            Set(ref i, sale.Category);
            Set(ref i, sale.Brand);
            Set(ref i, sale.Condition?.ToWireName());
            Set(ref i, sale.Title);
            Set(ref i, sale.Description);
            Set(ref i, sale.SoldPrice.ToString(CultureInfo.InvariantCulture));
            Set(ref i, sale.Currency);
            Set(ref i, SalesKeys.Timestamp(sale.SoldAt));
            Set(ref i, sale.SoldAt.ToUnixTimeMilliseconds());
            Set(ref i, season);
            Set(ref i, sale.ImageKey);
            Set(ref i, sale.Source);
            Set(ref i, ttl);
            Set(ref i, embedding is null ? null : EmbeddingCodec.Encode(embedding.Vector));
            Set(ref i, embedding?.ModelId);
            Set(ref i, embedding is null ? null : embedding.Dimension);
            Set(ref i, writtenAtMs);
        }

        private void Set(ref int index, object? value) => _p[index++].Value = value ?? DBNull.Value;
    }
}
