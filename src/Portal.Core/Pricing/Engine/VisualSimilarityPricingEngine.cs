using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Portal.Core.Pricing.Similarity;

namespace Portal.Core.Pricing.Engine;

/// <summary>
/// The seed's four phases over the in-memory sales index: candidates (tenant, category, window),
/// similarity (cosine, threshold, top K), quality and condition, weighted price with seasonal adjustment,
/// range and confidence. Deterministic for the same query and data: the candidates come from the index port's awaited search
/// (which a remote engine may serve), everything after it is pure computation on what came back.
/// </summary>
public sealed partial class VisualSimilarityPricingEngine(
    ISalesIndex index, IOptions<PricingOptions> options, TimeProvider time, RangeCalibrations? calibrations = null, ITitleVectoriser? titles = null)
{
    private const int CandidatePoolFactor = 5;
    private const int MaxSeasonalEntries = 10_000;
    private readonly ConcurrentDictionary<(TenantId, string, long), (long Version, SeasonalIndex Index)> _seasonal = new();
    private readonly ITitleVectoriser _titles = titles ?? new TrigramTitleVectoriser();
    private readonly ConcurrentDictionary<(TenantId, string, long, string, ItemCondition?), (long Version, (SaleRecord[] Sales, double Median)? Level)> _levels = new();
    private readonly ConditionLadder _ladder = new(options.Value.ConditionLadder);

    /// <summary>
    /// <see cref="CalculateAsync"/> for callers that price many items in a loop over an index held in memory (backtests,
    /// range calibration): that index answers synchronously, so nothing blocks; a remote index would block here.
    /// </summary>
    public PricingResult Calculate(PricingQuery query)
    {
        var pending = CalculateAsync(query, CancellationToken.None);
        return pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
    }

    public async ValueTask<PricingResult> CalculateAsync(PricingQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var settings = options.Value;
        var started = time.GetTimestamp();
        var pricingDate = query.PricingDate ?? time.GetUtcNow();
        var threshold = settings.MinSimilarityFor(query.EmbeddingModel);

        var categorySales = index.GetCategorySales(query.Tenant, query.Category);
        if (categorySales.Sales.Count == 0)
        {
            return PricingResult.CannotPrice($"No sales history for category '{query.Category}' in this tenant: nothing to anchor a price on.");
        }

        var cutoff = query.ApplyLookback ? query.CandidatesUntil ?? pricingDate : (DateTimeOffset?)null;
        var seasonal = SeasonalIndexFor(query.Tenant, query.Category, categorySales, settings.SeasonalShrinkage, query.CandidatesUntil);
        var candidatesDone = time.GetTimestamp();

        var (hits, fallback) = await FindComparablesAsync(query, pricingDate, cutoff, threshold, settings, cancellationToken);

        var similarityDone = time.GetTimestamp();
        var context = new PricingContext(query, pricingDate, threshold, seasonal, settings);
        var suggestion = hits.Count >= settings.MinComparables
            ? FromComparables(context, hits, fallback)
            : FromMedians(context, categorySales.Sales, hits);
        if (suggestion is null)
        {
            return PricingResult.CannotPrice(
                $"{SimilarSales(hits.Count, settings.MinComparables)} and too little history in '{query.Category}' to fall back on a median; not pricing rather than guessing.");
        }

        var finished = time.GetTimestamp();
        return PricingResult.Priced(suggestion with
        {
            Timings = new PhaseTimings(
                CandidatesMs: Ms(started, candidatesDone),
                SimilarityMs: Ms(candidatesDone, similarityDone),
                QualityMs: 0,
                PriceMs: Ms(similarityDone, finished),
                EmbeddingMs: 0,
                TotalMs: Ms(started, finished)),
        });
    }

    /// <summary>
    /// The scored comparables of the first lookback window (narrowest first) that holds enough of them, with the fallback
    /// note when that was a widened window; the last window's hits when none does.
    /// </summary>
    private async ValueTask<(IReadOnlyList<ScoredHit> Hits, FallbackInfo? Fallback)> FindComparablesAsync(
        PricingQuery query, DateTimeOffset pricingDate, DateTimeOffset? cutoff, double threshold, PricingOptions settings, CancellationToken cancellationToken)
    {
        IReadOnlyList<ScoredHit> hits = [];
        var windows = query.ApplyLookback ? Windows(settings) : [null];
        foreach (var window in windows)
        {
            var filter = new SearchFilter(window is { } w ? pricingDate - w : null, cutoff, query.ExcludedSaleIds);
            var plan = PlanComparables(query, filter, threshold, settings);
            var found = await index.SearchAsync(
                query.Tenant, query.Category, query.EmbeddingModel, query.PhotoEmbeddings, plan.Filter, plan.K, plan.MinSimilarity, cancellationToken);
            hits = ScoreComparables(query, plan, found, threshold, settings);
            if (hits.Count >= settings.MinComparables)
            {
                var fallback = window == windows[0] ? null : new FallbackInfo(
                    FallbackKinds.WidenedWindow,
                    $"Fewer than {settings.MinComparables} similar sales in the last {settings.LookbackWindow.TotalDays:0} days; widened to {window!.Value.TotalDays:0} days.");
                return (hits, fallback);
            }
        }

        return (hits, null);
    }

    /// <summary>How many look-alikes were found, in words that never say "only 0": the opening of a fallback's reason.</summary>
    private static string SimilarSales(int count, int needed) => count switch
    {
        0 => "No similar-looking sales",
        1 => $"Only 1 similar-looking sale ({needed} needed)",
        _ => $"Only {count} similar-looking sales ({needed} needed)",
    };

    private double Ms(long from, long to) => time.GetElapsedTime(from, to).TotalMilliseconds;

    /// <summary>The lookback windows tried in turn: the first, the widened one, then doubling up to the maximum.</summary>
    private static TimeSpan?[] Windows(PricingOptions settings)
    {
        var windows = new List<TimeSpan?> { settings.LookbackWindow };
        var next = settings.WidenedLookbackWindow;
        while (next > windows[^1] && next <= settings.MaxLookbackWindow)
        {
            windows.Add(next);
            next *= 2;
        }

        if (settings.MaxLookbackWindow > windows[^1])
        {
            windows.Add(settings.MaxLookbackWindow);
        }

        return [.. windows];
    }

    /// <summary>
    /// Phase 2 on every signal a sale carries: candidates by image cosine (the threshold lowered by what brand and title could
    /// add) and every sale of the query's brand, each scored image + brand + title, kept at or above the threshold, best K.
    /// This part says what to ask the index for; <see cref="ScoreComparables"/> scores what it answered.
    /// </summary>
    private ComparablesPlan PlanComparables(PricingQuery query, SearchFilter filter, double threshold, PricingOptions settings)
    {
        var hasBrand = settings.BrandWeight > 0 && !string.IsNullOrWhiteSpace(query.Brand);
        var queryTitle = settings.TitleWeight > 0 ? _titles.For(query.Tenant, query.Title) : null;
        var bonus = (hasBrand ? settings.BrandWeight : 0) + (queryTitle is null ? 0 : settings.TitleWeight);
        if (bonus == 0)
        {
            return new ComparablesPlan(filter, settings.MaxComparables, (float)threshold, Rescore: false, hasBrand, queryTitle);
        }

        var pool = settings.MaxComparables * CandidatePoolFactor;
        // One scan ranks image cosine + brand bonus; the title, known only for the pool, is added after.
        var floor = (float)(threshold - (queryTitle is null ? 0 : settings.TitleWeight));
        var boosted = hasBrand ? filter with { BoostedBrand = query.Brand, BrandBoost = (float)settings.BrandWeight } : filter;
        return new ComparablesPlan(boosted, pool, floor, Rescore: true, hasBrand, queryTitle);
    }

    private IReadOnlyList<ScoredHit> ScoreComparables(
        PricingQuery query, ComparablesPlan plan, IReadOnlyList<SimilarityHit> found, double threshold, PricingOptions settings)
    {
        if (!plan.Rescore)
        {
            return found.Select(h => new ScoredHit(h.Sale, h.Similarity, h.Similarity, false, 0)).ToArray();
        }

        var (hasBrand, queryTitle) = (plan.HasBrand, plan.QueryTitle);
        var scored = new List<ScoredHit>(found.Count);
        foreach (var hit in found)
        {
            var brandMatch = hasBrand && string.Equals(hit.Sale.Brand, query.Brand, StringComparison.OrdinalIgnoreCase);
            var image = hit.Similarity - (brandMatch ? (float)settings.BrandWeight : 0);
            var title = queryTitle is null ? 0 : TitleModels.Cosine(queryTitle, _titles.For(query.Tenant, hit.Sale.Title));
            var score = image + (brandMatch ? settings.BrandWeight : 0) + settings.TitleWeight * title;
            if (score >= threshold)
            {
                scored.Add(new ScoredHit(hit.Sale, score, image, brandMatch, title));
            }
        }

        return scored
            .OrderByDescending(h => h.Score)
            .ThenBy(h => h.Sale.SaleId, StringComparer.Ordinal)
            .Take(settings.MaxComparables)
            .ToArray();
    }

    /// <summary>What one lookback window asks the index for, and how its answer is scored.</summary>
    private sealed record ComparablesPlan(SearchFilter Filter, int K, float MinSimilarity, bool Rescore, bool HasBrand, float[]? QueryTitle);

    /// <summary>A comparable's score on every signal, and its parts.</summary>
    private readonly record struct ScoredHit(SaleRecord Sale, double Score, double Image, bool BrandMatch, double Title);
}
