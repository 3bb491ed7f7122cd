using System.Data;
using Npgsql;
using Portal.Core.Imports.SmartGo;

namespace Portal.Infrastructure.SmartGo;

/// <summary>
/// Reads <c>smartgo.sales</c> on the replica, read-only twice over: the session defaults to read-only transactions
/// and every batch runs in an explicit <c>READ ONLY</c> transaction. Keyset pagination on <c>(sold_at, sale_id)</c>,
/// which the source indexes, so each batch is an index range scan however far the import has got.
/// </summary>
public sealed class SmartGoSource : ISmartGoSource
{
    private const string Columns =
        "sale_id, sold_at, tenant_id, product_id, category, brand, condition, title, description, sold_price, currency, image_key, image_url";

    private readonly NpgsqlDataSource _dataSource;

    public SmartGoSource(string connectionString, TimeSpan commandTimeout)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            ApplicationName = "pricing-portal-smartgo-import",
            CommandTimeout = Math.Max(1, (int)Math.Ceiling(commandTimeout.TotalSeconds)),
        };
        builder.Options = string.IsNullOrWhiteSpace(builder.Options)
            ? "-c default_transaction_read_only=on"
            : builder.Options + " -c default_transaction_read_only=on";
        _dataSource = NpgsqlDataSource.Create(builder);
    }

    /// <summary>How many rows lie after <paramref name="after"/> (all rows when null): the run's total for progress.</summary>
    public async Task<long> CountAfterAsync(SmartGoWatermark? after, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await BeginReadOnlyAsync(connection, cancellationToken);
        await using var command = new NpgsqlCommand(
            after is null ? "SELECT count(*) FROM smartgo.sales" : "SELECT count(*) FROM smartgo.sales WHERE (sold_at, sale_id) > (@at, @id)",
            connection, transaction);
        AddPosition(command, after);
        var count = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        await transaction.CommitAsync(cancellationToken);
        return count;
    }

    /// <summary>The next <paramref name="limit"/> rows after <paramref name="after"/>, in <c>(sold_at, sale_id)</c> order.</summary>
    public async Task<IReadOnlyList<SmartGoSaleRow>> ReadBatchAsync(SmartGoWatermark? after, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await BeginReadOnlyAsync(connection, cancellationToken);
        await using var command = new NpgsqlCommand(
            after is null
                ? $"SELECT {Columns} FROM smartgo.sales ORDER BY sold_at, sale_id LIMIT @n"
                : $"SELECT {Columns} FROM smartgo.sales WHERE (sold_at, sale_id) > (@at, @id) ORDER BY sold_at, sale_id LIMIT @n",
            connection, transaction);
        AddPosition(command, after);
        command.Parameters.AddWithValue("n", limit);
        var rows = new List<SmartGoSaleRow>(limit);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(new SmartGoSaleRow
                {
                    SaleId = reader.GetString(0),
                    SoldAt = new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc)),
                    TenantId = Text(reader, 2),
                    ProductId = Text(reader, 3),
                    Category = Text(reader, 4),
                    Brand = Text(reader, 5),
                    Condition = Text(reader, 6),
                    Title = Text(reader, 7),
                    Description = Text(reader, 8),
                    SoldPrice = reader.IsDBNull(9) ? null : reader.GetDecimal(9),
                    Currency = Text(reader, 10),
                    ImageKey = Text(reader, 11),
                    ImageUrl = Text(reader, 12),
                });
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return rows;
    }

    /// <summary>A connection in a read-only transaction, as the import uses it (tests prove writes are refused).</summary>
    internal async Task<(NpgsqlConnection Connection, NpgsqlTransaction Transaction)> OpenReadOnlyAsync(CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return (connection, await BeginReadOnlyAsync(connection, cancellationToken));
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private static async Task<NpgsqlTransaction> BeginReadOnlyAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        await using var readOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY", connection, transaction);
        await readOnly.ExecuteNonQueryAsync(cancellationToken);
        return transaction;
    }

    private static void AddPosition(NpgsqlCommand command, SmartGoWatermark? after)
    {
        if (after is not null)
        {
            command.Parameters.AddWithValue("at", after.SoldAt.UtcDateTime);
            command.Parameters.AddWithValue("id", after.SaleId);
        }
    }

    private static string? Text(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
