using System.Globalization;
using System.Text.RegularExpressions;
using Portal.Infrastructure.Formats;

namespace Portal.Infrastructure.Embedded.Lake;

/// <summary>
/// The embedded <c>sales_history</c> lake: each batch becomes one Parquet file per partition touched, under
/// <c>{root}/sales_history/tenant_id={t}/year={yyyy}/month={MM}/part-{utc}-{guid}.parquet</c>.
/// Files are written under a temporary name in the same folder and renamed, so readers never see half a file.
/// </summary>
public sealed partial class ParquetSalesLake(LakeOptions options, TimeProvider timeProvider) : ISalesLake
{
    public const string TableFolder = "sales_history";
    internal const string TempSuffix = ".tmp";

    /// <summary>
    /// Deletes the temporary copies (<c>.{name}.parquet.{guid}.tmp</c>) a crash left between writing and renaming, once they
    /// are older than <paramref name="olderThan"/>: a younger one may belong to a write still in progress.
    /// </summary>
    /// <returns>How many files were deleted.</returns>
    public int DeleteStaleTempFiles(TimeSpan olderThan)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(olderThan, TimeSpan.Zero);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.RootDirectory);
        var table = Path.Combine(Path.GetFullPath(options.RootDirectory), TableFolder);
        if (!Directory.Exists(table))
        {
            return 0;
        }

        var cutoff = timeProvider.GetUtcNow().UtcDateTime - olderThan;
        var deleted = 0;
        foreach (var file in Directory.EnumerateFiles(table, "*" + TempSuffix, SearchOption.AllDirectories))
        {
            if (!TempFileName().IsMatch(Path.GetFileName(file)) || File.GetLastWriteTimeUtc(file) >= cutoff)
            {
                continue;
            }

            try
            {
                File.Delete(file);
                deleted++;
            }
            catch (IOException)
            {
                // Gone meanwhile or still held open: the next run looks again.
            }
        }

        return deleted;
    }

    public Task<IReadOnlyList<string>> AppendAsync(IReadOnlyList<LakeRow> rows, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        return WriteAsync(rows, () => LakeParquetSerializer.AppendFileName(now), overwrite: false, cancellationToken);
    }

    public Task<IReadOnlyList<string>> WriteBatchAsync(string batchName, IReadOnlyList<LakeRow> rows, CancellationToken cancellationToken)
    {
        LakeParquetSerializer.ValidateBatchName(batchName);

        // Same batch, same partition → same file name: a rewrite after a crash replaces the file.
        return WriteAsync(rows, () => LakeParquetSerializer.BatchFileName(batchName), overwrite: true, cancellationToken);
    }

    private async Task<IReadOnlyList<string>> WriteAsync(IReadOnlyList<LakeRow> rows, Func<string> fileName, bool overwrite, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(options.RootDirectory);
        var written = new List<string>();
        foreach (var partition in LakeParquetSerializer.Partition(rows))
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
                    await LakeParquetSerializer.SerializeAsync(partition, stream, options.RowGroupSize, cancellationToken);
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

    [GeneratedRegex(@"^\..+\.parquet\.[0-9a-f]{32}\.tmp$", RegexOptions.CultureInvariant)]
    private static partial Regex TempFileName();
}
