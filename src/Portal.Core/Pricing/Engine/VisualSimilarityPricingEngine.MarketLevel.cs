using System.Globalization;

namespace Portal.Core.Pricing.Engine;

/// <summary>The market level: how far the comparables sit from the category's recent median, cached per index version.</summary>
public sealed partial class VisualSimilarityPricingEngine
{
    /// <summary>
    /// A market level's pool and median (normalised to the target condition), cached per scope (the category, or a brand
    /// outside it), the scope's version, cutoff day, currency and condition: over a large category or the whole tenant it
    /// costs a scan and a sort, too much to repeat on every price. Backtests and exclusions compute it afresh.
    /// </summary>
    private (SaleRecord[] Sales, double Median)? CachedLevel(
        PricingContext context, string scope, long version, Func<IEnumerable<SaleRecord>> candidates, string currency,
        Func<SaleRecord, bool> known, Func<SaleRecord, double> normalised)
    {
        var query = context.Query;
        var cacheable = query.ExcludedSaleIds.Count == 0 && !query.CandidatesUntil.HasValue;
        var cutoff = query.ApplyLookback ? context.PricingDate.UtcDateTime.Date.Ticks : long.MaxValue;
        var key = (query.Tenant, scope, cutoff, currency, query.Condition);
        if (cacheable && _levels.TryGetValue(key, out var cached) && cached.Version == version)
        {
            return cached.Level;
        }

        var pool = candidates().Where(known).ToArray();
        (SaleRecord[], double)? level = pool.Length > 0 ? (pool, WeightedStatistics.Median(pool.Select(normalised).ToArray())) : null;
        if (cacheable)
        {
            if (_levels.Count > MaxSeasonalEntries)
            {
                _levels.Clear();
            }

            _levels[key] = (version, level);
        }

        return level;
    }

    /// <summary>
    /// A level the tenant's history sets for the item: the brand's in the category, else the brand's, else the category's median;
    /// a brand's level is shrunk toward the category's by its count (<see cref="PricingOptions.MarketLevelShrinkage"/>).
    /// </summary>
    private sealed record MarketLevel(string Source, int Sales, double Median, double Factor)
    {
        /// <summary>How a brand's level was drawn toward its category's (empirical Bayes); null for a plain median.</summary>
        public string? Shrinkage { get; init; }
    }

    /// <summary>
    /// Draws the comparables' price toward the item's market level (a weighted geometric mean): look-alikes alone are noisy, and the
    /// backtest on real sold prices shows the blend cuts the typical error (docs/decisions/pricing-signals.md).
    /// </summary>
    private Priced WithMarketLevel(PricingContext context, Priced priced, string currency)
    {
        var settings = context.Settings;
        if (settings.MarketLevelWeight <= 0 || priced.Price <= 0)
        {
            return priced;
        }

        var query = context.Query;
        var until = query.ApplyLookback ? query.CandidatesUntil ?? context.PricingDate : DateTimeOffset.MaxValue;
        var from = query.ApplyLookback ? context.PricingDate - settings.MaxLookbackWindow : DateTimeOffset.MinValue;
        bool Known(SaleRecord s) => s.SoldAt >= from && s.SoldAt <= until && s.Currency == currency && !query.ExcludedSaleIds.Contains(s.SaleId);
        bool OfBrand(SaleRecord s) => !string.IsNullOrWhiteSpace(query.Brand) && string.Equals(s.Brand, query.Brand, StringComparison.OrdinalIgnoreCase);
        double Normalised(SaleRecord s) => (double)s.SoldPrice * _ladder.Factor(s.Condition, query.Condition);

        var categorySales = index.GetCategorySales(query.Tenant, query.Category);
        var brandInCategory = string.IsNullOrWhiteSpace(query.Brand) ? [] : categorySales.Sales.Where(s => OfBrand(s) && Known(s)).ToArray();
        var brandLevel = brandInCategory.Length > 0
            ? ($"'{query.Brand}' in '{query.Category}'", brandInCategory, WeightedStatistics.Median(brandInCategory.Select(Normalised).ToArray()))
            : !string.IsNullOrWhiteSpace(query.Brand)
              && CachedLevel(context, $"brand:{query.Brand.ToUpperInvariant()}|outside:{query.Category}", index.Count(query.Tenant),
                  () => index.GetCategories(query.Tenant).Where(c => c != query.Category)
                      .SelectMany(c => index.GetCategorySales(query.Tenant, c).Sales).Where(OfBrand),
                  currency, Known, Normalised) is { } outside
                ? ($"'{query.Brand}' in other categories", outside.Sales, outside.Median)
                : ((string Source, SaleRecord[] Sales, double Median)?)null;
        var categoryLevel = CachedLevel(context, $"category:{query.Category}", categorySales.Version, () => categorySales.Sales, currency, Known, Normalised);

        (string Source, SaleRecord[] Sales) chosen;
        double median;
        string? shrunk = null;
        if (brandLevel is { } brand && settings.MarketLevelShrinkage > 0 && categoryLevel is { Median: > 0 } shrinkTo)
        {
            // Empirical Bayes: the brand's own (geometric) level, trusted by how often it sold: n / (n + k) of the way from the category's.
            var n = brand.Sales.Length;
            var logMean = brand.Sales.Average(s => Math.Log(Math.Max(0.01, Normalised(s))));
            var k = settings.MarketLevelShrinkage;
            chosen = (brand.Source, brand.Sales);
            median = Math.Exp((n * logMean + k * Math.Log(shrinkTo.Median)) / (n + k));
            shrunk = string.Create(CultureInfo.InvariantCulture,
                $"their geometric mean {Math.Exp(logMean):0.00} trusted {n / (n + k):P0} by count, the rest from '{query.Category}''s median {shrinkTo.Median:0.00}");
        }
        else if (brandLevel is { } plain)
        {
            chosen = (plain.Source, plain.Sales);
            median = plain.Median;
        }
        else if (categoryLevel is { } category)
        {
            chosen = ($"'{query.Category}'", category.Sales);
            median = category.Median;
        }
        else
        {
            return priced;
        }

        return Blended(priced, chosen, median * context.QualityMultiplier, shrunk, settings.MarketLevelWeight);
    }

    /// <summary>The price moved toward the chosen market level (geometrically, by <paramref name="weight"/>); unchanged when the level is not positive.</summary>
    private static Priced Blended(Priced priced, (string Source, SaleRecord[] Sales) chosen, double median, string? shrunk, double weight)
    {
        if (median <= 0)
        {
            return priced;
        }

        var price = Math.Exp((1 - weight) * Math.Log(priced.Price) + weight * Math.Log(median));
        return priced with
        {
            Price = price,
            Low = Math.Min(priced.Low, price),
            High = Math.Max(priced.High, price),
            Level = new MarketLevel(chosen.Source, chosen.Sales.Length, median, price / priced.Price) { Shrinkage = shrunk },
        };
    }
}
