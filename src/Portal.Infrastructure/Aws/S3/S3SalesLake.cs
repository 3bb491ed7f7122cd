using Amazon.S3;
using Amazon.S3.Model;
using Portal.Infrastructure.Formats;

namespace Portal.Infrastructure.Aws.S3;

/// <summary>
/// The <c>sales_history</c> lake on S3: the same Parquet bytes as <see cref="ParquetSalesLake"/> (one serializer), one object per
/// partition touched under <c>{LakePrefix}/tenant_id=…/year=…/month=…/</c> in <c>Aws:S3:LakeBucket</c>. A batch's objects are
/// named after the batch, so writing it again overwrites them (a PUT replaces an object whole: readers never see half a file).
/// Returns <c>s3://bucket/key</c> of each object written.
/// </summary>
public sealed class S3SalesLake(IAmazonS3 s3, S3Options options, TimeProvider timeProvider) : ISalesLake
{
    public const string ParquetContentType = "application/vnd.apache.parquet";

    /// <summary>Rows per Parquet row group, as the folder lake writes them.</summary>
    private const int RowGroupSize = 1_000_000;

    public Task<IReadOnlyList<string>> AppendAsync(IReadOnlyList<LakeRow> rows, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        return WriteAsync(rows, () => LakeParquetSerializer.AppendFileName(now), cancellationToken);
    }

    public Task<IReadOnlyList<string>> WriteBatchAsync(string batchName, IReadOnlyList<LakeRow> rows, CancellationToken cancellationToken)
    {
        LakeParquetSerializer.ValidateBatchName(batchName);
        return WriteAsync(rows, () => LakeParquetSerializer.BatchFileName(batchName), cancellationToken);
    }

    /// <summary>The object key of a file in a partition.</summary>
    public string ObjectKey(LakePartition partition, string fileName) => $"{options.LakePrefix}/{partition.RelativePath}/{fileName}";

    private async Task<IReadOnlyList<string>> WriteAsync(IReadOnlyList<LakeRow> rows, Func<string> fileName, CancellationToken cancellationToken)
    {
        var written = new List<string>();
        foreach (var partition in LakeParquetSerializer.Partition(rows))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var key = ObjectKey(partition.Key, fileName());
            using var body = new MemoryStream();
            await LakeParquetSerializer.SerializeAsync(partition, body, RowGroupSize, cancellationToken);
            body.Position = 0;
            var request = new PutObjectRequest
            {
                BucketName = options.LakeBucket,
                Key = key,
                InputStream = body,
                AutoCloseStream = false,
                ContentType = ParquetContentType,
                UseChunkEncoding = false,
            };
            S3ObjectEncryption.Apply(request, options);
            await s3.PutObjectAsync(request, cancellationToken);
            written.Add($"s3://{options.LakeBucket}/{key}");
        }

        return written;
    }
}
