using Microsoft.Data.Sqlite;
using Portal.Core.Sales;
using Portal.Infrastructure.Embedded.Sqlite;
using static Portal.Infrastructure.Tests.Storage.StorageTestData;

namespace Portal.Infrastructure.Tests.Storage;

/// <summary>The sales store contract against a real SQLite file (WAL), one file per test, plus what only SQLite has.</summary>
public sealed class SqliteSalesStoreTests : SalesStoreContract
{
    private readonly TempFolder _folder = new();
    private readonly List<SqliteSalesStore> _stores = [];

    private string DbPath => Path.Combine(_folder.Path, "db", "sales.db");

    private new SqliteSalesStore Store => (SqliteSalesStore)base.Store;

    protected override ISalesStore CreateStore(TimeProvider timeProvider)
    {
        var store = new SqliteSalesStore(new SqliteStoreOptions { DatabasePath = DbPath }, timeProvider);
        _stores.Add(store);
        return store;
    }

    protected override Task DisposeStorageAsync()
    {
        foreach (var store in _stores)
        {
            store.Dispose();
        }

        _folder.Dispose();
        return Task.CompletedTask;
    }

    protected override async Task<int?> PurgeExpiredAsync() => await Store.PurgeExpiredAsync(Ct);

    protected override async Task CorruptEmbeddingAsync(string saleId, bool truncate)
    {
        await using var connection = new SqliteConnection($"Data Source={DbPath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = truncate
            ? "UPDATE sales SET embedding = x'0102030405' WHERE sale_id = $id;"
            : "UPDATE sales SET embedding_model = NULL WHERE sale_id = $id;";
        command.Parameters.AddWithValue("$id", saleId);
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task StoresTheSeedsLogicalKeys()
    {
        var sale = Sale("acme", "s1", 12345.67m, Utc(2025, 5, 3), category: "bags", brand: "coach", productId: "p9");
        await Store.AddSaleAsync(sale, new StoredEmbedding("m", [1f]), Ct);

        await using var connection = new SqliteConnection($"Data Source={DbPath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT pk, sk, gsi1pk, gsi1sk, gsi2pk, gsi2sk, gsi3pk, gsi3sk, sold_price, ttl FROM sales";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal("TENANT#acme#PRODUCT#p9", reader.GetString(0));
        Assert.Equal("SALE#2025-05-03T12:00:00.0000000Z#s1", reader.GetString(1));
        Assert.Equal("TENANT#acme#CATEGORY#bags#SEASON#Q2", reader.GetString(2));
        Assert.Equal("SALEPRICE#000000012345.67#DATE#2025-05-03T12:00:00.0000000Z", reader.GetString(3));
        Assert.Equal("TENANT#acme#EMBEDDING_ACTIVE", reader.GetString(4));
        Assert.Equal("DATE#2025-05-03T12:00:00.0000000Z", reader.GetString(5));
        Assert.Equal("TENANT#acme#BRAND#coach", reader.GetString(6));
        Assert.Equal("DATE#2025-05-03T12:00:00.0000000Z", reader.GetString(7));
        Assert.Equal("12345.67", reader.GetString(8));
        Assert.Equal(Utc(2025, 5, 3).AddDays(730).ToUnixTimeSeconds(), reader.GetInt64(9));
    }

    [Fact]
    public async Task SchemaIsCreatedOnceAcrossInstances()
    {
        await Store.AddSaleAsync(Sale("acme", "s1", 10m, Utc(2025, 6, 1)), null, Ct);
        using (var second = new SqliteSalesStore(new SqliteStoreOptions { DatabasePath = DbPath }, Time))
        {
            Assert.Equal(1, await second.CountSalesAsync(new TenantId("acme"), Ct));
        }

        await using var connection = new SqliteConnection($"Data Source={DbPath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT group_concat(version) FROM schema_migrations; ";
        Assert.Equal("1,2,3,4,5", await command.ExecuteScalarAsync());
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task BulkAddWritesTenThousandRowsAndSkipsTheOnesAlreadyThere()
    {
        var vector = new float[512];
        var rows = Enumerable.Range(0, 10_000)
            .Select(i => (Sale("acme", $"s{i}", i + 0.99m, Utc(2025, 1, 1).AddMinutes(i)), (StoredEmbedding?)new StoredEmbedding("m", vector)))
            .ToList();
        await Store.CountSalesAsync(new TenantId("acme"), Ct); // schema first

        var added = await Store.AddSalesAsync(rows, Ct);
        var addedAgain = await Store.AddSalesAsync(rows[..100], Ct);

        Assert.Equal(10_000, added);
        Assert.Equal(0, addedAgain);
        Assert.Equal(10_000, await Store.CountSalesAsync(new TenantId("acme"), Ct));
    }
}
