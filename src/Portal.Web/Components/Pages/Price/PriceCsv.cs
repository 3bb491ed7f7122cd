using System.Globalization;
using System.Text;
using Portal.Core.Pricing.Engine;

namespace Portal.Web.Components.Pages.Price;

/// <summary>The suggestion and its comparables as CSV (RFC 4180, invariant culture, formula-safe).</summary>
public static class PriceCsv
{
    public static string Write(PricedItem item, PricingSuggestion suggestion)
    {
        var csv = new StringBuilder();
        Line(csv, "field", "value");
        Line(csv, "category", item.Category);
        Line(csv, "condition", item.Condition);
        Line(csv, "brand", item.Brand);
        Line(csv, "title", item.Title);
        Line(csv, "pricing_date", item.PricingDate.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        Line(csv, "price", Invariant(suggestion.Price));
        Line(csv, "currency", suggestion.Currency);
        Line(csv, "range_low", Invariant(suggestion.Range.Low));
        Line(csv, "range_high", Invariant(suggestion.Range.High));
        Line(csv, "confidence", Invariant(suggestion.Confidence));
        Line(csv, "fallback", suggestion.Fallback?.Kind);
        Line(csv, "base_price", Invariant(suggestion.Adjustments.BasePrice));
        Line(csv, "seasonal_factor", Invariant(suggestion.Adjustments.Seasonal));
        Line(csv, "condition_factor", Invariant(suggestion.Adjustments.Condition));
        Line(csv, "quality_factor", Invariant(suggestion.Adjustments.Quality));
        Line(csv, "embedding_model", suggestion.EmbeddingModel);
        csv.Append("\r\n");
        Line(csv, "sale_id", "product_id", "brand", "title", "condition", "sold_at", "sold_price", "adjusted_price", "similarity", "recency_weight", "weight");
        foreach (var c in suggestion.Comparables)
        {
            Line(csv, c.SaleId, c.ProductId, c.Brand, c.Title, c.Condition, c.SoldAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                Invariant(c.SoldPrice), Invariant(c.AdjustedPrice), Invariant(c.Similarity), Invariant(c.RecencyWeight), Invariant(c.Weight));
        }

        return csv.ToString();
    }

    private static string Invariant(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);

    private static void Line(StringBuilder csv, params string?[] values)
    {
        csv.AppendJoin(',', values.Select(Escape));
        csv.Append("\r\n");
    }

    private static string Escape(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        // A cell starting with = + - @ is a formula in spreadsheets: prefix it (numbers are written by us and never start so, except negatives).
        if (value[0] is '=' or '+' or '@' or '\t' or '\r' || (value[0] == '-' && !decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
    }
}
