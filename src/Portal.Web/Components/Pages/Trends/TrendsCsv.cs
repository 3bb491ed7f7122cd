using System.Globalization;
using System.Text;

namespace Portal.Web.Components.Pages.Trends;

/// <summary>
/// CSV for the dashboard exports (RFC 4180): comma separated, CRLF line ends, invariant culture, fields quoted when they hold
/// a comma, a quote or a line break (quotes doubled). Text that a spreadsheet would run as a formula (=, +, -, @ first) is
/// prefixed with an apostrophe.
/// </summary>
public static class TrendsCsv
{
    public static string Monthly(IEnumerable<MonthlyTrendRow> rows) =>
        Write(["year", "month", "category", "avg_price", "sale_count"], rows.Select(r => new object?[] { r.Year, r.Month, r.Category, r.AvgPrice, r.SaleCount }));

    public static string Seasonal(IEnumerable<SeasonalIndexRow> rows) =>
        Write(["category", "season", "index", "sale_count"], rows.Select(r => new object?[] { r.Category, r.Season, r.Index, r.SaleCount }));

    public static string Brands(IEnumerable<BrandPerformanceRow> rows) =>
        Write(["brand", "avg_price", "median_price", "total_sales"], rows.Select(r => new object?[] { r.Brand, r.AvgPrice, r.MedianPrice, r.TotalSales }));

    public static string Histogram(IEnumerable<PriceHistogramBin> rows) =>
        Write(["from", "to", "count"], rows.Select(r => new object?[] { r.From, r.To, r.Count }));

    public static string Write(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<object?>> rows)
    {
        var csv = new StringBuilder();
        AppendLine(csv, header);
        foreach (var row in rows)
        {
            AppendLine(csv, row);
        }

        return csv.ToString();
    }

    private static void AppendLine<T>(StringBuilder csv, IReadOnlyList<T> fields)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0)
            {
                csv.Append(',');
            }

            csv.Append(Field(fields[i]));
        }

        csv.Append("\r\n");
    }

    internal static string Field(object? value)
    {
        var text = value switch
        {
            null => string.Empty,
            double d => d.ToString("0.####", CultureInfo.InvariantCulture),
            float f => f.ToString("0.####", CultureInfo.InvariantCulture),
            decimal m => m.ToString(CultureInfo.InvariantCulture),
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            string s when s.Length > 0 && s[0] is '=' or '+' or '-' or '@' => "'" + s,
            _ => value.ToString() ?? string.Empty,
        };

        return text.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }
}
