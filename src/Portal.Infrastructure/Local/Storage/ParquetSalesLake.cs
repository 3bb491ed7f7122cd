using System.Globalization;
using Parquet;
using Parquet.Serialization;
using Portal.Pricing.Domain;
using Portal.Pricing.Ports;

namespace Portal.Infrastructure.Local.Storage;

/// <summary>
/// The embedded <c>sales_history</c> lake: each batch becomes one Parquet file per partition touched, under
/// <c>{root}/sales_history/tenant_id={t}/year={yyyy}/month={MM}/part-{utc}-{guid}.parquet</c>.
/// Files are written under a temporary name in the same folder and renamed, so readers never see half a file.
/// </summary>
public sealed class ParquetSalesLake(LakeOptions options, TimeProvider timeProvider) : ISalesLake
{
    public const string TableFolder = "sales_history";
    internal const string TempSuffix = ".tmp";

    private readonly ParquetOptions _parquetOptions = new()
    {
        CompressionMethod = CompressionMethod.Snappy,
        RowGroupSize = options.RowGroupSize,
    };

    public Task<IReadOnlyList<string>> AppendAsync(IReadOnlyList<LakeRow> rows, CancellationToken cancellationToken)
    {
        var stamp = timeProvider.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
        return WriteAsync(rows, () => $"part-{stamp}-{Guid.NewGuid():N}.parquet", overwrite: false, cancellationToken);
    }

    public Task<IReadOnlyList<string>> WriteBatchAsync(string batchName, IReadOnlyList<LakeRow> rows, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(batchName);
        if (!batchName.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new ArgumentException("A batch name may only hold ASCII letters, digits, '-' and '_'.", nameof(batchName));
        }

        // Same batch, same partition → same file name: a rewrite after a crash replaces the file.
        return WriteAsync(rows, () => $"part-{batchName}.parquet", overwrite: true, cancellationToken);
    }

    private async Task<IReadOnlyList<string>> WriteAsync(IReadOnlyList<LakeRow> rows, Func<string> fileName, bool overwrite, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.RootDirectory);
        foreach (var row in rows)
        {
            ArgumentNullException.ThrowIfNull(row);
            ArgumentNullException.ThrowIfNull(row.Sale);
            if (row.Sale.Tenant.Value is null)
            {
                throw new ArgumentException("A lake row has no tenant (default TenantId).", nameof(rows));
            }
        }

        var written = new List<string>();
        var partitions = rows.GroupBy(r => (Tenant: r.Sale.Tenant.Value, r.Sale.SoldAt.UtcDateTime.Year, r.Sale.SoldAt.UtcDateTime.Month))
            .OrderBy(g => g.Key.Tenant, StringComparer.Ordinal).ThenBy(g => g.Key.Year).ThenBy(g => g.Key.Month);
        foreach (var partition in partitions)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var folder = PartitionFolder(options.RootDirectory, partition.Key.Tenant, partition.Key.Year, partition.Key.Month);
            Directory.CreateDirectory(folder);
            var name = fileName();
            var final = Path.Combine(folder, name);
            var temp = Path.Combine(folder, $".{name}.{Guid.NewGuid():N}{TempSuffix}");
            try
            {
                await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
                {
                    await ParquetSerializer.SerializeAsync(partition.Select(ToParquet), stream, _parquetOptions, cancellationToken: cancellationToken);
                    await stream.FlushAsync(cancellationToken);
                }

                File.Move(temp, final, overwrite);
            }
            catch
            {
                File.Delete(temp);
                throw;
            }

            written.Add(final);
        }

        return written;
    }

    /// <summary>The folder of one tenant's lake; the tenant id's pattern makes it safe as a path segment.</summary>
    internal static string TenantFolder(string root, string tenant) =>
        Path.Combine(Path.GetFullPath(root), TableFolder, $"tenant_id={tenant}");

    internal static string PartitionFolder(string root, string tenant, int year, int month) =>
        Path.Combine(TenantFolder(root, tenant),
            $"year={year.ToString("D4", CultureInfo.InvariantCulture)}",
            $"month={month.ToString("D2", CultureInfo.InvariantCulture)}");

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
