using System.Globalization;
using System.Runtime.InteropServices;
using Portal.Core.Sales;

namespace Portal.Core.Validation;

/// <summary>The per-partition and per-price-group counters of the validator's one streaming pass over the store.</summary>
public sealed partial class SalesValidator
{
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
