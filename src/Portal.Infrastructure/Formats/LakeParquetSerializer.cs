using System.Globalization;
using Parquet;
using Parquet.Serialization;

namespace Portal.Infrastructure.Formats;

/// <summary>One partition of <c>sales_history</c>: a tenant's calendar month (UTC) of sales.</summary>
public readonly record struct LakePartition(string Tenant, int Year, int Month)
{
    /// <summary><c>tenant_id={t}/year={yyyy}/month={MM}</c>, hive style; the tenant id's pattern makes it safe as a path segment and an S3 key part.</summary>
    public string RelativePath =>
        $"tenant_id={Tenant}/year={Year.ToString("D4", CultureInfo.InvariantCulture)}/month={Month.ToString("D2", CultureInfo.InvariantCulture)}";
}

/// <summary>
/// The one writer of lake files: both the folder lake and the S3 lake turn a batch into the same Parquet bytes through
/// here, so a file is the same whichever provider wrote it.
/// </summary>
public static class LakeParquetSerializer
{
    /// <summary>Checks the rows (each has a sale with a tenant) and groups them by partition, in a stable order.</summary>
    public static IReadOnlyList<IGrouping<LakePartition, LakeRow>> Partition(IReadOnlyList<LakeRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        foreach (var row in rows)
        {
            ArgumentNullException.ThrowIfNull(row);
            ArgumentNullException.ThrowIfNull(row.Sale);
            if (row.Sale.Tenant.Value is null)
            {
                throw new ArgumentException("A lake row has no tenant (default TenantId).", nameof(rows));
            }
        }

        return rows.GroupBy(r => new LakePartition(r.Sale.Tenant.Value, r.Sale.SoldAt.UtcDateTime.Year, r.Sale.SoldAt.UtcDateTime.Month))
            .OrderBy(g => g.Key.Tenant, StringComparer.Ordinal).ThenBy(g => g.Key.Year).ThenBy(g => g.Key.Month)
            .ToList();
    }

    /// <summary>A batch name becomes part of a file name or an object key: only ASCII letters, digits, '-' and '_'.</summary>
    public static void ValidateBatchName(string batchName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(batchName);
        if (!batchName.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new ArgumentException("A batch name may only hold ASCII letters, digits, '-' and '_'.", nameof(batchName));
        }
    }

    /// <summary>The file name of a batch in each partition it touches: same batch, same name, so a rewrite replaces it.</summary>
    public static string BatchFileName(string batchName) => $"part-{batchName}.parquet";

    /// <summary>The file name of an appended (not batch-named) file: time stamp plus a random part.</summary>
    public static string AppendFileName(DateTimeOffset now) =>
        $"part-{now.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture)}-{Guid.NewGuid():N}.parquet";

    public static Task SerializeAsync(IEnumerable<LakeRow> rows, Stream destination, int rowGroupSize, CancellationToken cancellationToken) =>
        ParquetSerializer.SerializeAsync(rows.Select(ToParquet), destination,
            new ParquetOptions { CompressionMethod = CompressionMethod.Snappy, RowGroupSize = rowGroupSize }, cancellationToken: cancellationToken);

    private static LakeParquetRow ToParquet(LakeRow row)
    {
        var sale = row.Sale;
        return new LakeParquetRow
        {
            ProductId = sale.ProductId,
            SaleId = sale.SaleId,
            Category = sale.Category,
            Brand = sale.Brand,
            Condition = sale.Condition?.ToWireName(),
            SoldPrice = (double)sale.SoldPrice,
            Currency = sale.Currency,
            SoldDate = DateTime.SpecifyKind(sale.SoldAt.UtcDateTime, DateTimeKind.Unspecified),
            Season = sale.Season,
            ImageS3Key = sale.ImageKey,
            Embedding = row.Embedding?.Vector,
            EmbeddingModel = row.Embedding?.ModelId,
            Description = sale.Description,
            Title = sale.Title,
            Source = sale.Source,
        };
    }
}
