using System.Globalization;

namespace Portal.Core.Imports.SmartGo;

/// <summary>The keyset position of the import: the last committed row's <c>(sold_at, sale_id)</c>.</summary>
public sealed record SmartGoWatermark(DateTimeOffset SoldAt, string SaleId)
{
    /// <summary><c>{sold_at as round-trip UTC}|{sale_id}</c>; the timestamp holds no '|', so the first one splits.</summary>
    public string Format() => $"{SoldAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)}|{SaleId}";

    public static SmartGoWatermark Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var split = value.IndexOf('|', StringComparison.Ordinal);
        if (split <= 0 || !DateTimeOffset.TryParse(value[..split], CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var soldAt))
        {
            throw new FormatException($"The SmartGo watermark '{value}' is not '<sold_at>|<sale_id>'.");
        }

        return new SmartGoWatermark(soldAt, value[(split + 1)..]);
    }
}
