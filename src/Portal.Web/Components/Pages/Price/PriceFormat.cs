using System.Globalization;

namespace Portal.Web.Components.Pages.Price;

/// <summary>How the workbench writes numbers, shared by the page, the CSV export and the tests.</summary>
public static class PriceFormat
{
    public static string Money(decimal amount, string currency) => $"{amount.ToString("N2", CultureInfo.InvariantCulture)} {currency}";

    public static string Amount(decimal amount) => amount.ToString("N2", CultureInfo.InvariantCulture);

    public static string Ratio(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);

    public static string Factor(double value) => "×" + value.ToString("0.000", CultureInfo.InvariantCulture);

    public static string Percent(double value) => (value * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    public static string Date(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
