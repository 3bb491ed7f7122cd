using System.Buffers.Binary;
using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Portal.Core.Jobs;
using Portal.Core.Sales;
using Portal.Core.Validation;

namespace Portal.Core.Validation;

/// <summary>The checks of one validation: per-partition counts and the data-quality findings.</summary>
public sealed record ValidationOutcome(IReadOnlyList<PartitionCounts> Partitions, IReadOnlyList<ValidationFinding> Findings);

/// <summary>
/// Compares the store with the lake per (tenant, year, month) and checks the store's embeddings and prices.
/// Reads are set-based: one SQL GROUP BY for the store's counts, one DuckDB GROUP BY over the hive-partitioned Parquet for the
/// lake's, and a single streaming pass over the store for embeddings (checked in place as float32 spans) and prices.
/// Expired rows are left out on both sides: the store's own rule (<c>ttl &gt; now</c>) and, for the lake, the same cutoff
/// derived from the store's retention.
/// </summary>
public sealed partial class SalesValidator : IDisposable
{
    private const long ProgressEvery = 50_000;
    private const double MadToSigma = 1.4826;

    private readonly TimeSpan _retention;
    private readonly ValidationOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly IValidationStoreReader _store;
    // Disposed here only when the caller handed it over (the embedded factory); an injected reader belongs to the container.
    private readonly bool _ownsStore;
    private readonly IValidationLakeReader _lake;
    private readonly IReadOnlyDictionary<string, int[]> _dimensions;

    /// <param name="retention">The store's retention (its TTL), so expired rows are left out of the lake counts exactly as the store hides them.</param>
    /// <param name="ownsStore">True when this validator disposes <paramref name="store"/> with itself.</param>
    public SalesValidator(IValidationStoreReader store, IValidationLakeReader lake, TimeSpan retention, ValidationOptions options, TimeProvider timeProvider, bool ownsStore = false)
    {
        _ownsStore = ownsStore;
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(lake);
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _lake = lake;
        _retention = retention;
        _options = options;
        _timeProvider = timeProvider;
        _dimensions = options.EffectiveEmbeddingDimensions();
    }

    public double VarianceThreshold => _options.VarianceThreshold;

    public async Task<ValidationOutcome> ValidateAsync(IProgress<JobProgress>? progress, CancellationToken cancellationToken)
    {
        // The lake is read by DuckDB while SQLite reads the store: the two sides overlap on separate cores.
        // (Both ADO.NET providers complete "async" calls synchronously, hence Task.Run.)
        var liveFrom = LiveFrom();
        var lakeTask = Task.Run(() => _lake.CountPartitionsAsync(liveFrom, cancellationToken), cancellationToken);
        Dictionary<(string Tenant, string YearMonth), long> storeCounts;
        long total;
        IEnumerable<ValidationFinding> scanned;
        try
        {
            progress?.Report(new JobProgress(0, null, "Counting store rows"));
            storeCounts = await _store.CountPartitionsAsync(cancellationToken);
            total = storeCounts.Values.Sum();
            scanned = await ScanStoreAsync(total, progress, cancellationToken);
        }
        catch
        {
            // Observe the lake task so its failure is not left unobserved; the scan's exception is the one reported.
            await Task.WhenAny(lakeTask);
            throw;
        }

        progress?.Report(new JobProgress(total, total, "Waiting for lake counts"));
        var lakeCounts = await lakeTask;

        var findings = new List<ValidationFinding>();
        var counts = Compare(storeCounts, lakeCounts, findings);
        findings.AddRange(scanned);
        progress?.Report(new JobProgress(total, total, "Done"));
        return new ValidationOutcome(counts, findings
            .OrderBy(f => f.Partition.Tenant.Value, StringComparer.Ordinal).ThenBy(f => f.Partition.Year).ThenBy(f => f.Partition.Month)
            .ThenBy(f => f.Kind)
            .ToList());
    }

    /// <summary>Each partition's store and lake counts side by side, ordered; a lake partition holding a sale twice adds a finding.</summary>
    private List<PartitionCounts> Compare(Dictionary<(string Tenant, string YearMonth), long> storeCounts, IEnumerable<LakePartitionCount> lakeCounts, List<ValidationFinding> findings)
    {
        var partitions = new Dictionary<SalesPartition, (long Store, long Lake)>();
        foreach (var ((tenant, yearMonth), count) in storeCounts)
        {
            if (TenantId.TryParse(tenant, out var id) && TryParseYearMonth(yearMonth, out var year, out var month))
            {
                partitions[new SalesPartition(id, year, month)] = (count, 0);
            }
        }

        foreach (var lake in lakeCounts)
        {
            var current = partitions.GetValueOrDefault(lake.Partition);
            partitions[lake.Partition] = (current.Store, lake.Rows);
            if (lake.Rows > lake.DistinctSales)
            {
                findings.Add(new ValidationFinding(ValidationFindingKind.DuplicateLakeRows, lake.Partition, lake.Rows - lake.DistinctSales, [],
                    $"{lake.Rows} lake rows hold {lake.DistinctSales} distinct sales."));
            }
        }

        return partitions
            .Select(p =>
            {
                var variance = PartitionCounts.Variance(p.Value.Store, p.Value.Lake);
                return new PartitionCounts(p.Key, p.Value.Store, p.Value.Lake, variance, variance > _options.VarianceThreshold);
            })
            .OrderBy(p => p.Partition.Tenant.Value, StringComparer.Ordinal).ThenBy(p => p.Partition.Year).ThenBy(p => p.Partition.Month)
            .ToList();
    }

    /// <summary>The earliest sold time still live in the store: <c>ttl = sold_at + retention</c> (seconds) and live means <c>ttl &gt; now</c>.</summary>
    internal DateTimeOffset LiveFrom()
    {
        var nowSeconds = _timeProvider.GetUtcNow().ToUnixTimeSeconds();
        return DateTimeOffset.FromUnixTimeSeconds(nowSeconds - (long)_retention.TotalSeconds + 1);
    }

    private async Task<IEnumerable<ValidationFinding>> ScanStoreAsync(long total, IProgress<JobProgress>? progress, CancellationToken cancellationToken)
    {
        var scan = new ScanState(_options.MaxExamples);
        long done = 0;
        progress?.Report(new JobProgress(0, total, "Checking embeddings and prices"));
        await _store.ScanAsync((in StoreScanRow row) =>
        {
            Check(scan, row);
            if (++done % ProgressEvery == 0)
            {
                progress?.Report(new JobProgress(done, total, "Checking embeddings and prices"));
            }
        }, cancellationToken);

        return scan.Findings(_options, MadToSigma);
    }

    private void Check(ScanState scan, in StoreScanRow row)
    {
        var partition = scan.Partition(row.Tenant, row.YearMonth);
        if (!row.HasEmbedding)
        {
            partition.Add(ValidationFindingKind.MissingEmbedding, row.SaleId);
        }
        else
        {
            CheckEmbedding(partition, row);
        }

        if (!(row.Price > 0) || !double.IsFinite(row.Price))
        {
            partition.Add(ValidationFindingKind.NonPositivePrice, row.SaleId);
        }
        else
        {
            scan.Prices(row.Tenant, row.Category, row.Currency).Add((float)Math.Log(row.Price), partition, row.SaleId);
        }

        partition.Currencies.TryAdd(row.Currency, 0);
        partition.Currencies[row.Currency]++;
    }

    private void CheckEmbedding(ScanState.PartitionState partition, in StoreScanRow row)
    {
        var model = row.Model ?? "(none)";
        partition.Models.TryAdd(model, 0);
        partition.Models[model]++;

        if (row.Model is null || !_dimensions.TryGetValue(row.Model, out var allowed))
        {
            partition.Add(ValidationFindingKind.UnknownEmbeddingModel, row.SaleId);
        }
        else if (Array.IndexOf(allowed, (int)Math.Min(row.Dimension, int.MaxValue)) < 0)
        {
            partition.Add(ValidationFindingKind.WrongEmbeddingDimension, row.SaleId);
            return;
        }

        if (row.Embedding.Length != row.Dimension * sizeof(float) || row.Embedding.Length == 0)
        {
            // The blob does not hold the declared dimension: as unusable as a wrong dimension.
            partition.Add(ValidationFindingKind.WrongEmbeddingDimension, row.SaleId);
            return;
        }

        float sumOfSquares;
        if (BitConverter.IsLittleEndian)
        {
            sumOfSquares = TensorPrimitives.SumOfSquares(MemoryMarshal.Cast<byte, float>(row.Embedding));
        }
        else
        {
            // The stored blob is little-endian float32 on every host.
            var decoded = new float[row.Dimension];
            for (var i = 0; i < decoded.Length; i++)
            {
                decoded[i] = BinaryPrimitives.ReadSingleLittleEndian(row.Embedding[(i * sizeof(float))..]);
            }

            sumOfSquares = TensorPrimitives.SumOfSquares<float>(decoded);
        }

        if (!float.IsFinite(sumOfSquares))
        {
            // NaN/Inf propagate into the sum; a huge finite vector can overflow it too, so look before reporting.
            var vector = MemoryMarshal.Cast<byte, float>(row.Embedding);
            foreach (var value in vector)
            {
                if (!float.IsFinite(value))
                {
                    partition.Add(ValidationFindingKind.NonFiniteEmbedding, row.SaleId);
                    return;
                }
            }
        }
        else if (sumOfSquares == 0f)
        {
            partition.Add(ValidationFindingKind.ZeroNormEmbedding, row.SaleId);
        }
    }

    private static bool TryParseYearMonth(string text, out int year, out int month)
    {
        month = 0;
        return int.TryParse(text.AsSpan(0, Math.Min(4, text.Length)), NumberStyles.None, CultureInfo.InvariantCulture, out year)
               && text.Length == 7
               && int.TryParse(text.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out month)
               && month is >= 1 and <= 12;
    }

    public void Dispose()
    {
        if (_ownsStore)
        {
            _store.Dispose();
        }
    }
}
