using System.Globalization;
using System.Text;

namespace Portal.Core.Pricing.Batches;

/// <summary>
/// A batch's rows as CSV (invariant culture, RFC 4180 quoting, text that a spreadsheet would run as a formula defused):
/// every row with its outcome and decision, or only the decided rows.
/// </summary>
public static class BatchCsv
{
    private const string Header = "line,image,category,condition,brand,title,status,price,range_low,range_high,currency,confidence,verdict,flags,decision_id,error";

    public static string Write(IEnumerable<BatchRow> rows)
    {
        var csv = new StringBuilder(Header).Append("\r\n");
        foreach (var row in rows)
        {
            var price = row.Price;
            string[] fields =
            [
                row.Line.ToString(CultureInfo.InvariantCulture),
                row.ImageName,
                row.Category,
                row.Condition,
                row.Brand ?? string.Empty,
                row.Title ?? string.Empty,
                StatusName(row.Status),
                Money(price?.Price),
                Money(price?.RangeLow),
                Money(price?.RangeHigh),
                price?.Currency ?? string.Empty,
                price is null ? string.Empty : price.Confidence.ToString("0.000", CultureInfo.InvariantCulture),
                price is null ? string.Empty : VerdictName(row.Verdict),
                string.Join("; ", row.Flags),
                row.DecisionId ?? string.Empty,
                row.Error ?? string.Empty,
            ];
            csv.AppendJoin(',', fields.Select(Quote)).Append("\r\n");
        }

        return csv.ToString();
    }

    public static string StatusName(BatchRowStatus status) => status switch
    {
        BatchRowStatus.Pending => "pending",
        BatchRowStatus.Priced => "priced",
        BatchRowStatus.CannotPrice => "cannot_price",
        _ => "invalid",
    };

    public static string VerdictName(BatchVerdict verdict) => verdict switch
    {
        BatchVerdict.Strong => "strong",
        BatchVerdict.Weak => "weak",
        _ => "none",
    };

    private static string Money(decimal? value) => value?.ToString(CultureInfo.InvariantCulture) ?? string.Empty;

    private static string Quote(string value)
    {
        // A leading = + - @ (or tab/CR) would run as a formula in a spreadsheet; a quote mark keeps it text.
        if (value.Length > 0 && "=+-@\t\r".Contains(value[0], StringComparison.Ordinal) && !decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out _))
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
