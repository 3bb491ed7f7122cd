using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Sales;
using Portal.Core.Validation;
using Portal.Infrastructure.Embedded.Lake;
using Portal.Infrastructure.Tests.Storage;
using Portal.Testing.Aws;
using Portal.Testing.Aws.Athena;
using static Portal.Infrastructure.Tests.Storage.StorageTestData;

namespace Portal.Infrastructure.Tests.Aws.Athena;

/// <summary>s3rver for the whole class: the lake lives in a bucket, as in production.</summary>
public sealed class S3rverFixture : IAsyncLifetime
{
    public NodeTestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await NodeTestServer.StartS3rverAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// The validation's lake reader over Athena answers exactly as the Parquet reader over the same lake: the Parquet files are
/// uploaded to s3rver, and the fake mirrors the bucket's <c>sales_history/**</c> before answering each query.
/// </summary>
public sealed class AthenaValidationLakeReaderTests(S3rverFixture s3rver) : IClassFixture<S3rverFixture>, IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly TempFolder _local = new();
    private readonly TempFolder _mirror = new();
    private readonly string _bucket = "lake-" + Guid.NewGuid().ToString("N")[..12];
    private AmazonS3Client _s3 = null!;
    private FakeAthenaServer _athena = null!;

    public async Task InitializeAsync()
    {
        _s3 = S3LakeMirror.CreateClient(s3rver.Server.ServiceUrl);
        await _s3.PutBucketAsync(_bucket, Ct);
        _athena = await FakeAthenaServer.StartAsync(ct => S3LakeMirror.MirrorAsync(_s3, _bucket, _mirror.Path, ct));
        _athena.PageSize = 2;
    }

    public async Task DisposeAsync()
    {
        await _athena.DisposeAsync();
        _s3.Dispose();
        _local.Dispose();
        _mirror.Dispose();
    }

    [Fact]
    public async Task Partition_counts_and_sale_ids_equal_the_parquet_readers_on_the_same_lake()
    {
        await WriteAndUploadAsync(
            Sale("acme", "1", 10m, Utc(2025, 1, 5)),
            Sale("acme", "2", 20m, Utc(2025, 1, 6)),
            Sale("acme", "3", 30m, Utc(2025, 2, 6)),
            Sale("acme", "old", 30m, Utc(2023, 2, 6)),
            Sale("beta", "1", 40m, Utc(2025, 1, 7)),
            Sale("gamma", "1", 50m, Utc(2025, 3, 7)));
        // The same sale written twice (a doubled lake row) counts as two rows and one distinct sale.
        await WriteAndUploadAsync(Sale("acme", "2", 20m, Utc(2025, 1, 6)));
        var parquet = new ParquetValidationLakeReader(_local.Path);
        await using var athena = AthenaTestClient.Create(_athena, tenants: _ => Task.FromResult<IReadOnlyList<TenantId>>([new("acme"), new("beta"), new("gamma")]));
        var liveFrom = Utc(2024, 1, 1, 0);

        var expected = Sorted(await parquet.CountPartitionsAsync(liveFrom, Ct));
        var actual = Sorted(await athena.LakeReader.CountPartitionsAsync(liveFrom, Ct));

        Assert.Equal(expected, actual);
        Assert.Contains(new LakePartitionCount(new SalesPartition(new TenantId("acme"), 2025, 1), 3, 2), actual);
        Assert.DoesNotContain(actual, c => c.Partition.Year == 2023);
        var partition = new SalesPartition(new TenantId("acme"), 2025, 1);
        Assert.Equal(await parquet.SaleIdsAsync(partition, Ct), await athena.LakeReader.SaleIdsAsync(partition, Ct));
        var old = new SalesPartition(new TenantId("acme"), 2023, 2);
        Assert.Equal(["old"], await athena.LakeReader.SaleIdsAsync(old, Ct));
        Assert.Empty(await athena.LakeReader.SaleIdsAsync(new SalesPartition(new TenantId("acme"), 2024, 7), Ct));
        Assert.All(_athena.Queries, q => Assert.Contains("tenant_id", q.Sql, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Only_the_stores_tenants_are_counted_because_the_table_injects_the_tenant_partition()
    {
        await WriteAndUploadAsync(Sale("acme", "1", 10m, Utc(2025, 1, 5)), Sale("beta", "1", 40m, Utc(2025, 1, 7)));
        await using var athena = AthenaTestClient.Create(_athena, tenants: _ => Task.FromResult<IReadOnlyList<TenantId>>([new("beta")]));

        var counts = await athena.LakeReader.CountPartitionsAsync(Utc(2024, 1, 1, 0), Ct);

        Assert.Equal([new LakePartitionCount(new SalesPartition(new TenantId("beta"), 2025, 1), 1, 1)], counts);
        Assert.Equal(["'beta'"], _athena.Queries.Single().ExecutionParameters.Take(1));
    }

    [Fact]
    public async Task An_empty_bucket_gives_no_partitions_and_no_sale_ids()
    {
        await using var athena = AthenaTestClient.Create(_athena, tenants: _ => Task.FromResult<IReadOnlyList<TenantId>>([new("acme")]));

        Assert.Empty(await athena.LakeReader.CountPartitionsAsync(Utc(2024, 1, 1, 0), Ct));
        Assert.Empty(await athena.LakeReader.SaleIdsAsync(new SalesPartition(new TenantId("acme"), 2025, 1), Ct));
    }

    private static List<LakePartitionCount> Sorted(IEnumerable<LakePartitionCount> counts) =>
        [.. counts.OrderBy(c => c.Partition.Tenant.Value, StringComparer.Ordinal).ThenBy(c => c.Partition.Year).ThenBy(c => c.Partition.Month)];

    /// <summary>Writes the sales to the local lake and uploads the new files under the same keys (sales_history/…).</summary>
    private async Task WriteAndUploadAsync(params SaleRecord[] sales)
    {
        var files = await new ParquetSalesLake(new LakeOptions { RootDirectory = _local.Path }, new FakeTimeProvider(Now)).AppendAsync(sales.Select(s => new LakeRow(s, null)).ToList(), Ct);
        foreach (var file in files)
        {
            var key = Path.GetRelativePath(_local.Path, file).Replace(Path.DirectorySeparatorChar, '/');
            await _s3.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = key, FilePath = file, UseChunkEncoding = false }, Ct);
        }
    }
}
