using DuckDB.NET.Data;
using Microsoft.Extensions.Time.Testing;
using Portal.Infrastructure.Local.Storage;
using Portal.Pricing.Domain;
using Portal.Pricing.Ports;
using static Portal.Infrastructure.Tests.Storage.StorageTestData;

namespace Portal.Infrastructure.Tests.Storage;

public sealed class ParquetSalesLakeTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly FakeTimeProvider _time = new(Now);

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task WritesOneFilePerPartitionInTheRightFoldersAndNothingElse()
    {
        var lake = new ParquetSalesLake(new LakeOptions { RootDirectory = _folder.Path }, _time);
        var rows = new[]
        {
            new LakeRow(Sale("acme", "a", 10m, Utc(2025, 1, 31, 23)), null),
            new LakeRow(Sale("acme", "b", 20m, Utc(2025, 1, 1, 0)), null),
            new LakeRow(Sale("acme", "c", 30m, Utc(2025, 2, 1, 0)), null),
            new LakeRow(Sale("other", "d", 40m, Utc(2024, 12, 5)), null),
        };

        var written = await lake.AppendAsync(rows, CancellationToken.None);

        var relative = written.Select(f => Path.GetRelativePath(_folder.Path, Path.GetDirectoryName(f)!).Replace('\\', '/')).ToList();
        Assert.Equal(
        [
            "sales_history/tenant_id=acme/year=2025/month=01",
            "sales_history/tenant_id=acme/year=2025/month=02",
            "sales_history/tenant_id=other/year=2024/month=12",
        ], relative);
        var everyFile = Directory.EnumerateFiles(_folder.Path, "*", SearchOption.AllDirectories).Order().ToList();
        Assert.Equal(written.Order(), everyFile);
        Assert.All(written, f => Assert.Matches(@"^part-20260115T120000000Z-[0-9a-f]{32}\.parquet$", Path.GetFileName(f)));

        var second = await lake.AppendAsync([new LakeRow(Sale("acme", "e", 50m, Utc(2025, 1, 2)), null)], CancellationToken.None);
        Assert.Equal(2, Directory.GetFiles(Path.GetDirectoryName(second[0])!).Length);
        Assert.Empty(Directory.EnumerateFiles(_folder.Path, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task FilesHoldTheSalesHistoryColumnsWithoutPartitionColumns()
    {
        var lake = new ParquetSalesLake(new LakeOptions { RootDirectory = _folder.Path }, _time);
        var sale = Sale("acme", "a", 12.34m, Utc(2025, 3, 31, 23)) with { Condition = ItemCondition.LikeNew };
        var file = Assert.Single(await lake.AppendAsync([new LakeRow(sale, new StoredEmbedding("resnet18", [0.5f, -1.25f]))], CancellationToken.None));

        await using var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText =
            $"SELECT product_id, sale_id, category, brand, condition, sold_price, currency, sold_date, season, image_s3_key, " +
            $"embedding, embedding_model, description, title, source FROM read_parquet('{file}')";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal("p-a", reader.GetString(0));
        Assert.Equal("a", reader.GetString(1));
        Assert.Equal("dresses", reader.GetString(2));
        Assert.Equal("zara", reader.GetString(3));
        Assert.Equal("like_new", reader.GetString(4));
        Assert.Equal(12.34, reader.GetDouble(5));
        Assert.Equal("SGD", reader.GetString(6));
        Assert.Equal(new DateTime(2025, 3, 31, 23, 0, 0), reader.GetDateTime(7));
        Assert.Equal("Q1", reader.GetString(8));
        Assert.Equal("images/acme/a.jpg", reader.GetString(9));
        Assert.Equal([0.5f, -1.25f], ((System.Collections.IEnumerable)reader.GetValue(10)).Cast<float>());
        Assert.Equal("resnet18", reader.GetString(11));
        Assert.Equal("Description of a", reader.GetString(12));
        Assert.Equal("Item a", reader.GetString(13));
        Assert.Equal("carousel", reader.GetString(14));
        Assert.False(await reader.ReadAsync());

        command.CommandText = $"SELECT column_name FROM (DESCRIBE SELECT * FROM read_parquet('{file}', hive_partitioning = false))";
        var columns = new List<string>();
        await using var describe = await command.ExecuteReaderAsync();
        while (await describe.ReadAsync())
        {
            columns.Add(describe.GetString(0));
        }

        Assert.DoesNotContain("tenant_id", columns);
        Assert.Equal(15, columns.Count);
    }
}
