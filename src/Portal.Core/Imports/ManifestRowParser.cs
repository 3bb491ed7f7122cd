using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Portal.Core.Sales;

namespace Portal.Core.Imports;

/// <summary>One manifest row, read by column name (blank cells read as absent, values trimmed).</summary>
internal readonly record struct ManifestRow(IReadOnlyList<string> Fields, Dictionary<string, int> Columns)
{
    public string? Get(string column) =>
        Columns.TryGetValue(column, out var i) && i < Fields.Count && !string.IsNullOrWhiteSpace(Fields[i]) ? Fields[i].Trim() : null;
}

/// <summary>
/// Turns a manifest row into a sale (its id derived from the row's content, so a re-run finds it again) and its photo
/// paths, or the reason the row is rejected. Checks run in a fixed order: a row with several faults gets the first reason.
/// </summary>
internal static class ManifestRowParser
{
    private const int MaxCategoryOrBrandLength = 100;
    private const int MaxTitleLength = 300;

    public static (SaleRecord Sale, IReadOnlyList<string> Photos, bool Dated)? Parse(
        ManifestRow row, ImportRequest request, TenantId tenant, DateTimeOffset today, PriceLimits limits, out string? reason)
    {
        var photos = Photos(row);
        var image = photos.Count == 0 ? null : string.Join('|', photos);
        var category = row.Get("category");
        reason = ShapeProblem(row, photos.Count, image, category);
        if (reason is not null
            || !TryReadPrice(row, request, limits, out var price, out var condition, out var currency, out reason)
            || !TryReadDate(row, today, out var soldAt, out var dated, out reason))
        {
            return null;
        }

        if (category!.Length > MaxCategoryOrBrandLength || (row.Get("brand")?.Length ?? 0) > MaxCategoryOrBrandLength || (row.Get("title")?.Length ?? 0) > MaxTitleLength)
        {
            reason = "Category or brand over 100 characters, or title over 300.";
            return null;
        }

        var saleId = "imp-" + Hash($"{tenant}|{image}|{category}|{row.Get("brand")}|{condition}|{price.ToString(CultureInfo.InvariantCulture)}|{currency}|{row.Get("date")}|{row.Get("title")}");
        return (new SaleRecord
        {
            Tenant = tenant,
            ProductId = saleId,
            SaleId = saleId,
            Category = category,
            Brand = row.Get("brand"),
            Condition = condition,
            Title = row.Get("title"),
            SoldPrice = price,
            Currency = currency,
            SoldAt = soldAt,
            Source = request.Source,
        }, photos, dated);
    }

    /// <summary>A required cell missing, or more photos than a sale may have.</summary>
    private static string? ShapeProblem(ManifestRow row, int photoCount, string? image, string? category)
    {
        var priceText = row.Get("price");
        if (image is null || category is null || priceText is null)
        {
            return $"Missing {string.Join(", ", new[] { ("image", image), ("category", category), ("price", priceText) }.Where(p => p.Item2 is null).Select(p => p.Item1))}.";
        }

        return photoCount > SaleWithPhotos.MaxPhotos ? $"{photoCount} photos; at most {SaleWithPhotos.MaxPhotos} per sale." : null;
    }

    /// <summary>The price, the condition and the currency, the price then held to the currency's own limits.</summary>
    private static bool TryReadPrice(ManifestRow row, ImportRequest request, PriceLimits limits,
        out decimal price, out ItemCondition? condition, out string currency, out string? reason)
    {
        condition = null;
        currency = string.Empty;
        var priceText = row.Get("price")!;
        if (!decimal.TryParse(priceText, NumberStyles.Number, CultureInfo.InvariantCulture, out price))
        {
            reason = $"Price '{priceText}' is not a number.";
            return false;
        }

        if (row.Get("condition") is { } conditionText)
        {
            if (!ItemConditions.TryParse(conditionText, out var parsed))
            {
                reason = $"Unknown condition '{conditionText}'; use one of {ItemConditions.WireNames}.";
                return false;
            }

            condition = parsed;
        }

        currency = (row.Get("currency") ?? request.DefaultCurrency).ToUpperInvariant();
        reason = currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper)
            ? $"Currency '{currency}' is not a three-letter ISO code."
            // After the currency: the limit is the currency's own.
            : limits.Check(price, currency);
        return reason is null;
    }

    /// <summary>The row's date (not after tomorrow), or today when it names none (then <paramref name="dated"/> is false).</summary>
    private static bool TryReadDate(ManifestRow row, DateTimeOffset today, out DateTimeOffset soldAt, out bool dated, out string? reason)
    {
        soldAt = today;
        dated = false;
        reason = null;
        if (row.Get("date") is not { } dateText)
        {
            return true;
        }

        if (!DateTimeOffset.TryParse(dateText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out soldAt))
        {
            reason = $"Date '{dateText}' is not a date.";
            return false;
        }

        if (soldAt > today.AddDays(1))
        {
            reason = $"Date {soldAt:yyyy-MM-dd} is in the future.";
            return false;
        }

        dated = true;
        return true;
    }

    /// <summary>
    /// The row's photo paths: <c>image</c>, then each of <c>images</c> (split on <c>|</c>, blanks and repeats left out). A row
    /// with one photo hashes to the same sale id as before the <c>images</c> column existed.
    /// </summary>
    private static List<string> Photos(ManifestRow row)
    {
        var photos = new List<string>();
        if (row.Get("image") is { } image)
        {
            photos.Add(image);
        }

        foreach (var path in (row.Get("images") ?? string.Empty).Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!photos.Contains(path, StringComparer.Ordinal))
            {
                photos.Add(path);
            }
        }

        return photos;
    }

    private static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..20];
}
