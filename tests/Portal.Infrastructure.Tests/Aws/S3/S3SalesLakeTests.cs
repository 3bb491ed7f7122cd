using Portal.Core.Sales;
using Portal.Infrastructure.Aws.S3;
using Portal.Infrastructure.Embedded.Lake;
using Portal.Infrastructure.Tests.Storage;
using static Portal.Infrastructure.Tests.Storage.StorageTestData;

namespace Portal.Infrastructure.Tests.Aws.S3;

/// <summary>The sales lake contract on S3 (s3rver), plus the bytes, the prefix and the encryption of the objects.</summary>
public sealed class S3SalesLakeTests(S3rverFixture s3rver) : SalesLakeContract, IClassFixture<S3rverFixture>, IAsyncLifetime
{
    private string _bucket = null!;
    private S3SalesLake _lake = null!;

    protected override ISalesLake Lake => _lake;

    public async Task InitializeAsync()
    {
        _bucket = await s3rver.CreateBucketAsync();
        _lake = new S3SalesLake(s3rver.Client, s3rver.Options(_bucket), Time);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    protected override string RelativeName(string written)
    {
        var prefix = $"s3://{_bucket}/";
        Assert.StartsWith(prefix, written, StringComparison.Ordinal);
        return written[prefix.Length..];
    }

    protected override Task<IReadOnlyList<string>> StoredNamesAsync() => s3rver.ListKeysAsync(_bucket);

    protected override async Task<string> LocalCopyAsync(string written)
    {
        using var response = await s3rver.Client.GetObjectAsync(_bucket, RelativeName(written));
        var path = Path.Combine(ScratchDirectory, Guid.NewGuid().ToString("N") + ".parquet");
        await using (var file = File.Create(path))
        {
            await response.ResponseStream.CopyToAsync(file);
        }

        return path;
    }

    [Fact]
    public async Task WritesTheSameParquetBytesAsTheFolderLake()
    {
        var rows = new[]
        {
            new LakeRow(Sale("acme", "a", 10m, Utc(2025, 1, 3)), new Portal.Core.Sales.StoredEmbedding("resnet18-onnx-v1", [0.25f, 0.5f, -1f])),
            new LakeRow(Sale("acme", "b", 19.99m, Utc(2025, 1, 4)), null),
        };
        var folder = Path.Combine(ScratchDirectory, "folder-lake");
        var local = Assert.Single(await new ParquetSalesLake(new LakeOptions { RootDirectory = folder }, Time).WriteBatchAsync("same", rows, CancellationToken.None));

        var remote = Assert.Single(await _lake.WriteBatchAsync("same", rows, CancellationToken.None));

        Assert.Equal(Path.GetRelativePath(folder, local).Replace('\\', '/'), RelativeName(remote));
        Assert.Equal(await File.ReadAllBytesAsync(local), await File.ReadAllBytesAsync(await LocalCopyAsync(remote)));
    }

    [Fact]
    public async Task ObjectsGoUnderTheConfiguredPrefixEncryptedAndTypedAsParquet()
    {
        var options = s3rver.Options(_bucket);
        options.LakePrefix = "lake/sales_history";
        var recorder = new RecordingHttpClientFactory();
        using var client = S3rverFixture.CreateClient(options, recorder);
        var lake = new S3SalesLake(client, options, Time);

        var written = Assert.Single(await lake.WriteBatchAsync("b-9", [new LakeRow(Sale("acme", "a", 10m, Utc(2025, 7, 3)), null)], CancellationToken.None));

        Assert.Equal($"s3://{_bucket}/lake/sales_history/tenant_id=acme/year=2025/month=07/part-b-9.parquet", written);
        var put = Assert.Single(recorder.Requests, r => r.Method == "PUT");
        Assert.Equal("AES256", put.Headers["x-amz-server-side-encryption"]);
        Assert.Equal(S3SalesLake.ParquetContentType, put.Headers["content-type"]);
        Assert.DoesNotContain("aws-chunked", put.Headers.GetValueOrDefault("content-encoding") ?? "", StringComparison.Ordinal);
    }
}
