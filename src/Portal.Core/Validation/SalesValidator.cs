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
public sealed class SalesValidator : IDisposable
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

        var partitions = new Dictionary<SalesPartition, (long Store, long Lake)>();
        foreach (var ((tenant, yearMonth), count) in storeCounts)
        {
            if (TenantId.TryParse(tenant, out var id) && TryParseYearMonth(yearMonth, out var year, out var month))
            {
                partitions[new SalesPartition(id, year, month)] = (count, 0);
            }
        }

        var findings = new List<ValidationFinding>();
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

        var counts = partitions
            .Select(p =>
            {
                var variance = PartitionCounts.Variance(p.Value.Store, p.Value.Lake);
                return new PartitionCounts(p.Key, p.Value.Store, p.Value.Lake, variance, variance > _options.VarianceThreshold);
            })
            .OrderBy(p => p.Partition.Tenant.Value, StringComparer.Ordinal).ThenBy(p => p.Partition.Year).ThenBy(p => p.Partition.Month)
            .ToList();

        findings.AddRange(scanned);
        progress?.Report(new JobProgress(total, total, "Done"));
        return new ValidationOutcome(counts, findings
            .OrderBy(f => f.Partition.Tenant.Value, StringComparer.Ordinal).ThenBy(f => f.Partition.Year).ThenBy(f => f.Partition.Month)
            .ThenBy(f => f.Kind)
            .ToList());
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

    /// <summary>Counters of one scan, per partition and per price group.</summary>
    private sealed class ScanState(int maxExamples)
    {
        private readonly Dictionary<(string, string), PartitionState> _partitions = new();
        private readonly Dictionary<(string, string, string), PriceGroup> _prices = new();

        public PartitionState Partition(string tenant, string yearMonth)
        {
            ref var state = ref CollectionsMarshal.GetValueRefOrAddDefault(_partitions, (tenant, yearMonth), out var exists);
            if (!exists)
            {
                state = TenantId.TryParse(tenant, out var id) && TryParseYearMonth(yearMonth, out var year, out var month)
                    ? new PartitionState(new SalesPartition(id, year, month), maxExamples)
                    : new PartitionState(null, maxExamples);
            }

            return state!;
        }

        public PriceGroup Prices(string tenant, string category, string currency)
        {
            ref var group = ref CollectionsMarshal.GetValueRefOrAddDefault(_prices, (tenant, category, currency), out var exists);
            if (!exists)
            {
                group = new PriceGroup(category, currency);
            }

            return group!;
        }

        public IEnumerable<ValidationFinding> Findings(ValidationOptions options, double madToSigma)
        {
            foreach (var group in _prices.Values)
            {
                group.MarkOutliers(options.OutlierMinGroupSize, options.OutlierMadMultiplier * madToSigma);
            }

            foreach (var state in _partitions.Values)
            {
                if (state.Key is not { } partition)
                {
                    continue;
                }

                foreach (var (kind, (count, examples)) in state.Counts)
                {
                    yield return new ValidationFinding(kind, partition, count, examples, Describe(kind, state));
                }

                if (state.Models.Count > 1)
                {
                    yield return new ValidationFinding(ValidationFindingKind.MixedEmbeddingModels, partition, state.Models.Values.Sum(), [],
                        "Models: " + string.Join(", ", state.Models.OrderByDescending(m => m.Value).Select(m => $"{m.Key} × {m.Value}")));
                }

                if (state.Currencies.Count > 1)
                {
                    yield return new ValidationFinding(ValidationFindingKind.MixedCurrencies, partition, state.Currencies.Values.Sum(), [],
                        "Currencies: " + string.Join(", ", state.Currencies.OrderByDescending(c => c.Value).Select(c => $"{c.Key} × {c.Value}")));
                }
            }
        }

        private static string Describe(ValidationFindingKind kind, PartitionState state) => kind switch
        {
            ValidationFindingKind.MissingEmbedding => "Sales without an embedding cannot be comparables.",
            ValidationFindingKind.WrongEmbeddingDimension => "The vector size does not match its model (or the blob does not hold the declared size).",
            ValidationFindingKind.UnknownEmbeddingModel => "The embedding's model is not in the configured model → dimension map.",
            ValidationFindingKind.NonFiniteEmbedding => "The vector holds NaN or infinity.",
            ValidationFindingKind.ZeroNormEmbedding => "The vector is all zeros: it has no direction to compare.",
            ValidationFindingKind.NonPositivePrice => "Sold price is zero or negative.",
            ValidationFindingKind.PriceOutlier => state.OutlierDetail ?? "Log price far from its category's median (median ± k·MAD).",
            _ => kind.ToString(),
        };

        public sealed class PartitionState(SalesPartition? key, int maxExamples)
        {
            public SalesPartition? Key { get; } = key;
            public Dictionary<ValidationFindingKind, (long Count, List<string> Examples)> Counts { get; } = [];
            public Dictionary<string, long> Models { get; } = new(StringComparer.Ordinal);
            public Dictionary<string, long> Currencies { get; } = new(StringComparer.Ordinal);
            public string? OutlierDetail { get; set; }

            public void Add(ValidationFindingKind kind, string saleId)
            {
                ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(Counts, kind, out var exists);
                if (!exists)
                {
                    entry = (0, []);
                }

                entry.Count++;
                if (entry.Examples.Count < maxExamples)
                {
                    entry.Examples.Add(saleId);
                }
            }
        }

        /// <summary>Log prices of one tenant's category in one currency, with where each came from.</summary>
        public sealed class PriceGroup(string category, string currency)
        {
            private readonly List<float> _logPrices = [];
            private readonly List<PartitionState> _partitions = [];
            private readonly List<string> _saleIds = [];

            public void Add(float logPrice, PartitionState partition, string saleId)
            {
                _logPrices.Add(logPrice);
                _partitions.Add(partition);
                _saleIds.Add(saleId);
            }

            public void MarkOutliers(int minGroupSize, double k)
            {
                if (_logPrices.Count < minGroupSize)
                {
                    return;
                }

                var median = Median(_logPrices.ToArray());
                var deviations = new float[_logPrices.Count];
                for (var i = 0; i < deviations.Length; i++)
                {
                    deviations[i] = Math.Abs(_logPrices[i] - median);
                }

                var mad = Median(deviations);
                if (mad <= 0)
                {
                    // Over half the prices are identical: the spread is unknown, so nothing can be called far from it.
                    return;
                }

                var limit = k * mad;
                for (var i = 0; i < deviations.Length; i++)
                {
                    if (deviations[i] > limit)
                    {
                        var partition = _partitions[i];
                        partition.Add(ValidationFindingKind.PriceOutlier, _saleIds[i]);
                        partition.OutlierDetail ??= string.Create(CultureInfo.InvariantCulture,
                            $"Outside {Math.Exp(median - limit):0.##}–{Math.Exp(median + limit):0.##} {currency} for {category} (log-price median ± {k:0.##}·MAD).");
                    }
                }
            }

            private static float Median(float[] values)
            {
                Array.Sort(values);
                var mid = values.Length / 2;
                return values.Length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2f;
            }
        }
    }
}
