using System.Text.RegularExpressions;
using Portal.Core.Sales;
using Portal.Core.Sync;

namespace Portal.Core.Imports.SmartGo;

/// <summary>
/// Turns a source row into a <see cref="SaleRecord"/> or the reason it is skipped. The rules are the event contract's
/// (<see cref="ProductEventLimits"/> and the configured <see cref="PriceLimits"/>), so a SmartGo sale and a marketplace sale
/// are held to the same standard.
/// </summary>
public static partial class SmartGoRowMapper
{
    public const string SaleSource = "smartgo";

    /// <summary>Null when the row is good (then <paramref name="sale"/> is set); else a short reason, the same for every row with that fault.</summary>
    public static string? TryMap(SmartGoSaleRow row, IReadOnlySet<TenantId> knownTenants, PriceLimits priceLimits, DateTimeOffset now, out SaleRecord? sale)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(priceLimits);
        sale = null;
        if (!TenantId.TryParse(row.TenantId, out var tenant))
        {
            return "invalid tenant id";
        }

        if (!knownTenants.Contains(tenant))
        {
            return "unknown tenant";
        }

        if (!IsSafeId(row.SaleId))
        {
            return "invalid sale id";
        }

        if (string.IsNullOrEmpty(row.ProductId))
        {
            return "missing product id";
        }

        if (!IsSafeId(row.ProductId))
        {
            return "invalid product id";
        }

        if (row.Category is null || !CategoryPattern().IsMatch(row.Category))
        {
            return "invalid category (1-64 lower-case letters, digits or dashes)";
        }

        if (row.Currency is null || !CurrencyPattern().IsMatch(row.Currency))
        {
            return "invalid currency (ISO 4217, three upper-case letters)";
        }

        // The limits depend on the currency, so it is checked first. Reasons are counted, so they name the limit, not the price.
        if (row.SoldPrice is not { } price || price <= 0m)
        {
            return "price missing or not above zero";
        }

        if (price < priceLimits.Minimum)
        {
            return $"price below the minimum {PriceLimits.Format(priceLimits.Minimum)} ({PriceLimits.SectionName}:Minimum)";
        }

        if (price > priceLimits.MaximumFor(row.Currency))
        {
            return $"price above the {row.Currency} limit {PriceLimits.Format(priceLimits.MaximumFor(row.Currency))} ({priceLimits.LimitKey(row.Currency)})";
        }

        ItemCondition? condition = null;
        if (row.Condition is not null)
        {
            if (!ItemConditions.All.Any(c => c.ToWireName() == row.Condition))
            {
                return "unknown condition";
            }

            ItemConditions.TryParse(row.Condition, out var parsed);
            condition = parsed;
        }

        if (row.SoldAt > now + ProductEventLimits.MaxClockSkew)
        {
            return "sold in the future";
        }

        if (row.SoldAt < ProductEventLimits.Earliest)
        {
            return "sold before 2000";
        }

        if (row.Brand is { Length: > ProductEventLimits.MaxBrandLength })
        {
            return "brand too long";
        }

        if (row.Title is { Length: > ProductEventLimits.MaxTitleLength })
        {
            return "title too long";
        }

        if (row.Description is { Length: > ProductEventLimits.MaxDescriptionLength })
        {
            return "description too long";
        }

        if (row.ImageUrl is { } url && (url.Length > ProductEventLimits.MaxUrlLength
            || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            return "invalid image url";
        }

        sale = new SaleRecord
        {
            Tenant = tenant,
            ProductId = row.ProductId,
            SaleId = row.SaleId,
            Category = row.Category,
            Brand = string.IsNullOrWhiteSpace(row.Brand) ? null : row.Brand,
            Condition = condition,
            Title = row.Title,
            Description = row.Description,
            SoldPrice = price,
            Currency = row.Currency,
            SoldAt = row.SoldAt.ToUniversalTime(),
            Source = SaleSource,
        };
        return null;
    }

    private static bool IsSafeId(string? value) => value is { Length: > 0 and <= ProductEventLimits.MaxIdLength } && SafeIdPattern().IsMatch(value);

    [GeneratedRegex("^[A-Za-z0-9._:-]+$")]
    private static partial Regex SafeIdPattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex CategoryPattern();

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyPattern();
}
