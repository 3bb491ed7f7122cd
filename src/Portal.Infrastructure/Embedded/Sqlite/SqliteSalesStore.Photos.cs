using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Portal.Infrastructure.Formats;

namespace Portal.Infrastructure.Embedded.Sqlite;

/// <summary>
/// A sale's further photos (<c>sale_images</c>): one row per photo after the first, keyed by tenant, sale id and ordinal
/// (1 = the second photo), written in the sale's transaction and only when the sale itself is new, so a re-run adds nothing.
/// </summary>
public sealed partial class SqliteSalesStore
{
    private static readonly string[] SalePhotosMigration =
    [
        """
        CREATE TABLE sale_images (
            tenant_id       TEXT    NOT NULL,
            sale_id         TEXT    NOT NULL,
            ordinal         INTEGER NOT NULL,
            embedding       BLOB    NOT NULL,
            embedding_model TEXT    NOT NULL,
            embedding_dim   INTEGER NOT NULL,
            PRIMARY KEY (tenant_id, sale_id, ordinal)
        ) WITHOUT ROWID;
        """,
    ];

    /// <summary>The sales columns prefixed <c>s.</c>, then the photo's ordinal, embedding, model and dimension at 16–19 (null without one).</summary>
    private static readonly string SalesWithPhotosSql =
        $"SELECT {string.Join(", ", SelectColumns.Split(", ").Select(c => "s." + c))}, i.ordinal, i.embedding, i.embedding_model, i.embedding_dim " +
        "FROM sales s LEFT JOIN sale_images i ON i.tenant_id = s.tenant_id AND i.sale_id = s.sale_id " +
        "WHERE s.tenant_id = $tenant AND s.ttl > $now ORDER BY s.sold_at_ms, s.sale_id, i.ordinal;";

    public async IAsyncEnumerable<SaleWithPhotos> StreamSalesWithPhotosAsync(
        TenantId tenant, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        RequireTenant(tenant);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = SalesWithPhotosSql;
        command.Parameters.AddWithValue("$tenant", tenant.Value);
        command.Parameters.AddWithValue("$now", NowSeconds());
        await foreach (var sale in ReadSalesWithPhotosAsync(command, cancellationToken))
        {
            yield return sale;
        }
    }

    /// <summary>
    /// The sales of a <see cref="SalesWithPhotosSql"/>-shaped query (one row per photo, a sale's rows next to each other), each
    /// with its further photos. Sales are told apart by tenant and sale id, so a query over every tenant reads the same way.
    /// </summary>
    private async IAsyncEnumerable<SaleWithPhotos> ReadSalesWithPhotosAsync(SqliteCommand command, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        SaleWithPhotos? current = null;
        List<StoredEmbedding> more = [];
        while (await reader.ReadAsync(cancellationToken))
        {
            var tenant = reader.GetString(0);
            var saleId = reader.GetString(2);
            if (current is null
                || !string.Equals(current.Sale.SaleId, saleId, StringComparison.Ordinal)
                || !string.Equals(current.Sale.Tenant.Value, tenant, StringComparison.Ordinal))
            {
                if (current is not null)
                {
                    yield return Complete(current, more);
                }

                var sale = ReadSale(reader);
                current = new SaleWithPhotos(sale, ReadEmbedding(reader, sale));
                more = [];
            }

            if (!reader.IsDBNull(16) && ReadPhoto(reader, current.Sale) is { } photo)
            {
                more.Add(photo);
            }
        }

        if (current is not null)
        {
            yield return Complete(current, more);
        }

        // Further photos only count beside a first one: a sale whose first embedding did not decode keeps none.
        static SaleWithPhotos Complete(SaleWithPhotos sale, List<StoredEmbedding> more) =>
            sale.Embedding is null || more.Count == 0 ? sale : sale with { MorePhotos = more };
    }

    private static SqliteCommand SalePhotoInsert(SqliteConnection connection, SqliteTransaction transaction)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText =
            "INSERT INTO sale_images (tenant_id, sale_id, ordinal, embedding, embedding_model, embedding_dim) " +
            "VALUES ($tenant, $sale_id, $ordinal, $embedding, $model, $dim) ON CONFLICT DO NOTHING;";
        foreach (var name in (string[])["$tenant", "$sale_id", "$ordinal", "$embedding", "$model", "$dim"])
        {
            command.Parameters.Add(new SqliteParameter(name, DBNull.Value));
        }

        command.Prepare();
        return command;
    }

    private static void InsertSalePhotos(SqliteCommand command, SaleRecord sale, IReadOnlyList<StoredEmbedding> photos)
    {
        for (var i = 0; i < photos.Count; i++)
        {
            command.Parameters["$tenant"].Value = sale.Tenant.Value;
            command.Parameters["$sale_id"].Value = sale.SaleId;
            command.Parameters["$ordinal"].Value = i + 1;
            command.Parameters["$embedding"].Value = EmbeddingCodec.Encode(photos[i].Vector);
            command.Parameters["$model"].Value = photos[i].ModelId;
            command.Parameters["$dim"].Value = photos[i].Dimension;
            command.ExecuteNonQuery();
        }
    }

    private StoredEmbedding? ReadPhoto(SqliteDataReader reader, SaleRecord sale)
    {
        var bytes = (byte[])reader.GetValue(17);
        var model = reader.IsDBNull(18) ? null : reader.GetString(18);
        var dimension = reader.IsDBNull(19) ? 0L : reader.GetInt64(19);
        if (EmbeddingCodec.TryDecode(model, dimension, bytes, out var embedding))
        {
            return embedding;
        }

        LogCorruptEmbedding(_logger, sale.Tenant.Value, sale.SaleId, bytes.Length, dimension, model);
        return null;
    }
}
