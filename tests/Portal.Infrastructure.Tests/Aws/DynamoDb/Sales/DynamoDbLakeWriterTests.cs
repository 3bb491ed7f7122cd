using System.Globalization;
using DuckDB.NET.Data;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Sales;
using Portal.Core.Sync;
using Portal.Infrastructure.Aws.DynamoDb.Sales;
using Portal.Infrastructure.Embedded.Lake;

namespace Portal.Infrastructure.Tests.Aws.DynamoDb.Sales;

/// <summary>The lake writer over the DynamoDB outbox (dynalite) and a Parquet lake: a crash between the lake write and the drain mark doubles nothing.</summary>
[Collection(DynaliteCollection.Name)]
public sealed class DynamoDbLakeWriterTests(DynaliteFixture dynalite) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private readonly string _folder = Directory.CreateTempSubdirectory("portal-dynamo-lake-tests-").FullName;
    private readonly FakeTimeProvider _time = new(Now);
    private string? _table;

    public async Task InitializeAsync() => _table = await dynalite.CreateSalesTableAsync();

    public async Task DisposeAsync()
    {
        await dynalite.DeleteTableAsync(_table);
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task ACrashAfterTheLakeWriteButBeforeTheDrainMarkRewritesTheSameBatchWithoutDoubling()
    {
        var lake = new ParquetSalesLake(new LakeOptions { RootDirectory = Path.Combine(_folder, "lake") }, _time);
        var first = Store();
        await first.AddSalesWithOutboxAsync(Sales(10), CancellationToken.None);
        var batch = (await first.ClaimBatchAsync(100, CancellationToken.None))!;
        await lake.WriteBatchAsync(LakeWriter.BatchName(batch.BatchId), batch.Rows, CancellationToken.None);
        // The worker dies here: the rows are in the lake, the outbox does not know.

        var restarted = Store();
        await restarted.AddSalesWithOutboxAsync(Sales(15), CancellationToken.None);
        using var metrics = new SyncMetrics();
        var writer = new LakeWriter(restarted, lake, Microsoft.Extensions.Options.Options.Create(new SyncOptions()), metrics, _time);
        var written = await writer.DrainAsync(force: true, CancellationToken.None);

        Assert.Equal(15, written);
        Assert.Equal((15, 15), await LakeCountAsync());
        Assert.Equal(0, (await restarted.GetStatusAsync(CancellationToken.None)).Pending);
        Assert.Equal(15, await restarted.CountSalesAsync(new TenantId("demo"), CancellationToken.None));
    }

    private DynamoDbSalesStore Store() => new(dynalite.Client, _table!, new DynamoDbSalesOptions(), _time);

    private static List<(SaleRecord Sale, StoredEmbedding? Embedding)> Sales(int count) =>
        [.. Enumerable.Range(0, count).Select(i => (new SaleRecord
        {
            Tenant = new TenantId("demo"),
            ProductId = $"p-{i}",
            SaleId = $"s-{i}",
            Category = "shoes",
            SoldPrice = 10m + i,
            Currency = "EUR",
            SoldAt = Now.AddDays(-i % 40),
            Source = "test",
        }, (StoredEmbedding?)new StoredEmbedding("test-model", [1f, 0f, i]))),];

    private async Task<(long Rows, long DistinctSales)> LakeCountAsync()
    {
        var table = Path.Combine(_folder, "lake", ParquetSalesLake.TableFolder);
        await using var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*), count(DISTINCT sale_id) FROM read_parquet('{table}/**/*.parquet')";
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture), Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture));
    }
}
