using DuckDB.NET.Data;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Sales;
using static Portal.Infrastructure.Tests.Storage.StorageTestData;

namespace Portal.Infrastructure.Tests.Storage;

/// <summary>
/// What every <see cref="ISalesLake"/> does, run against the folder lake and the S3 lake alike: one Parquet file per partition
/// touched (never one per event) under <c>sales_history/tenant_id=…/year=…/month=…/</c>, the seed's columns without the
/// partition columns, batch-named files replaced when the batch is written again, bad input refused with nothing written.
/// </summary>
public abstract class SalesLakeContract : IDisposable
{
    private readonly TempFolder _scratch = new();

    protected FakeTimeProvider Time { get; } = new(Now);

    protected string ScratchDirectory => _scratch.Path;

    protected abstract ISalesLake Lake { get; }

    /// <summary>What the lake returned for a file, as <c>sales_history/tenant_id=…/year=…/month=…/name.parquet</c>.</summary>
    protected abstract string RelativeName(string written);

    /// <summary>Everything the lake holds (temporary files included), relative to its root, in ordinal order.</summary>
    protected abstract Task<IReadOnlyList<string>> StoredNamesAsync();

    /// <summary>A local file with the bytes of a written file (DuckDB reads it).</summary>
    protected abstract Task<string> LocalCopyAsync(string written);

    public virtual void Dispose()
    {
        _scratch.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task WritesOneFilePerPartitionInTheRightFoldersAndNothingElse()
    {
        var rows = new[]
        {
            new LakeRow(Sale("acme", "a", 10m, Utc(2025, 1, 31, 23)), null),
            new LakeRow(Sale("acme", "b", 20m, Utc(2025, 1, 1, 0)), null),
            new LakeRow(Sale("acme", "c", 30m, Utc(2025, 2, 1, 0)), null),
            new LakeRow(Sale("other", "d", 40m, Utc(2024, 12, 5)), null),
        };

        var written = await Lake.AppendAsync(rows, CancellationToken.None);

        Assert.Equal(
        [
            "sales_history/tenant_id=acme/year=2025/month=01",
            "sales_history/tenant_id=acme/year=2025/month=02",
            "sales_history/tenant_id=other/year=2024/month=12",
        ], written.Select(w => Folder(RelativeName(w))));
        Assert.Equal(written.Select(RelativeName).Order(StringComparer.Ordinal), await StoredNamesAsync());
        Assert.All(written, f => Assert.Matches(@"^part-20260115T120000000Z-[0-9a-f]{32}\.parquet$", FileName(RelativeName(f))));

        var second = await Lake.AppendAsync([new LakeRow(Sale("acme", "e", 50m, Utc(2025, 1, 2)), null)], CancellationToken.None);

        var january = Folder(RelativeName(Assert.Single(second)));
        Assert.Equal(2, (await StoredNamesAsync()).Count(n => Folder(n) == january));
        Assert.Equal(written.Concat(second).Select(RelativeName).Order(StringComparer.Ordinal), await StoredNamesAsync());
    }

    [Fact]
    public async Task FilesHoldTheSalesHistoryColumnsWithoutPartitionColumns()
    {
        var sale = Sale("acme", "a", 12.34m, Utc(2025, 3, 31, 23)) with { Condition = ItemCondition.LikeNew };
        var written = Assert.Single(await Lake.AppendAsync([new LakeRow(sale, new StoredEmbedding("resnet18", [0.5f, -1.25f]))], CancellationToken.None));
        var file = await LocalCopyAsync(written);

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

    [Fact]
    public async Task ManySalesOfOnePartitionMakeOneFile()
    {
        var rows = Enumerable.Range(0, 250).Select(i => new LakeRow(Sale("acme", $"s{i}", 10m + i, Utc(2025, 5, 1 + (i % 28))), null)).ToList();

        var written = Assert.Single(await Lake.WriteBatchAsync("batch-250", rows, CancellationToken.None));

        Assert.Equal("sales_history/tenant_id=acme/year=2025/month=05/part-batch-250.parquet", RelativeName(written));
        Assert.Equal(250, await CountRowsAsync(await LocalCopyAsync(written)));
    }

    [Fact]
    public async Task WritingTheSameBatchAgainReplacesItsFiles()
    {
        var first = await Lake.WriteBatchAsync("b-1", [
            new LakeRow(Sale("acme", "a", 10m, Utc(2025, 1, 3)), null),
            new LakeRow(Sale("acme", "b", 20m, Utc(2025, 2, 3)), null),
        ], CancellationToken.None);

        var again = await Lake.WriteBatchAsync("b-1", [
            new LakeRow(Sale("acme", "a", 10m, Utc(2025, 1, 3)), null),
            new LakeRow(Sale("acme", "c", 30m, Utc(2025, 1, 4)), null),
            new LakeRow(Sale("acme", "b", 20m, Utc(2025, 2, 3)), null),
        ], CancellationToken.None);

        Assert.Equal(first, again);
        Assert.Equal(first.Select(RelativeName).Order(StringComparer.Ordinal), await StoredNamesAsync());
        Assert.All(first, f => Assert.Equal("part-b-1.parquet", FileName(RelativeName(f))));
        Assert.Equal(2, await CountRowsAsync(await LocalCopyAsync(again[0])));
        Assert.Equal(1, await CountRowsAsync(await LocalCopyAsync(again[1])));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("batch.parquet")]
    [InlineData(" ")]
    public async Task RefusesBatchNamesThatAreNotPlainNamesAndWritesNothing(string batchName)
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Lake.WriteBatchAsync(batchName, [new LakeRow(Sale("acme", "a", 10m, Utc(2025, 1, 3)), null)], CancellationToken.None));

        Assert.Empty(await StoredNamesAsync());
    }

    [Fact]
    public async Task RefusesARowWithoutTenantAndWritesNothing()
    {
        var rows = new[]
        {
            new LakeRow(Sale("acme", "a", 10m, Utc(2025, 1, 3)), null),
            new LakeRow(Sale("acme", "b", 10m, Utc(2025, 1, 3)) with { Tenant = default }, null),
        };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Lake.WriteBatchAsync("b-2", rows, CancellationToken.None));

        Assert.Contains("no tenant", error.Message, StringComparison.Ordinal);
        Assert.Empty(await StoredNamesAsync());
    }

    [Fact]
    public async Task AnEmptyBatchWritesNothing()
    {
        Assert.Empty(await Lake.WriteBatchAsync("empty", [], CancellationToken.None));
        Assert.Empty(await StoredNamesAsync());
    }

    protected static async Task<long> CountRowsAsync(string file)
    {
        await using var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM read_parquet('{file}')";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string Folder(string relativeName) => relativeName[..relativeName.LastIndexOf('/')];

    private static string FileName(string relativeName) => relativeName[(relativeName.LastIndexOf('/') + 1)..];
}
