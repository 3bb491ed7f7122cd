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
    /// <remarks>The checks run in a fixed order (tenant, keys, currency and price, condition, time, text, photo): a row with several faults is counted under the first.</remarks>
    public static string? TryMap(SmartGoSaleRow row, IReadOnlySet<TenantId> knownTenants, PriceLimits priceLimits, DateTimeOffset now, out SaleRecord? sale)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(priceLimits);
        sale = null;
        if (!TenantId.TryParse(row.TenantId, out var tenant))
        {
            return "invalid tenant id";
        }

        var reason = (knownTenants.Contains(tenant) ? null : "unknown tenant") ?? KeyProblem(row) ?? PriceProblem(row, priceLimits);
        if (reason is not null)
        {
            return reason;
        }

        if (!TryReadCondition(row.Condition, out var condition))
        {
            return "unknown condition";
        }

        reason = TimeProblem(row.SoldAt, now) ?? TextProblem(row);
        if (reason is null)
        {
            sale = ToSale(row, tenant, condition);
        }

        return reason;
    }

    private static string? KeyProblem(SmartGoSaleRow row)
    {
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

        return row.Category is null || !CategoryPattern().IsMatch(row.Category) ? "invalid category (1-64 lower-case letters, digits or dashes)" : null;
    }

    private static string? PriceProblem(SmartGoSaleRow row, PriceLimits priceLimits)
    {
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

        return price > priceLimits.MaximumFor(row.Currency)
            ? $"price above the {row.Currency} limit {PriceLimits.Format(priceLimits.MaximumFor(row.Currency))} ({priceLimits.LimitKey(row.Currency)})"
            : null;
    }

    /// <summary>False for a condition that is not one of the wire names; a missing condition is fine (null).</summary>
    private static bool TryReadCondition(string? wireName, out ItemCondition? condition)
    {
        condition = null;
        if (wireName is null)
        {
            return true;
        }

        if (!ItemConditions.All.Any(c => c.ToWireName() == wireName))
        {
            return false;
        }

        ItemConditions.TryParse(wireName, out var parsed);
        condition = parsed;
        return true;
    }

    private static string? TimeProblem(DateTimeOffset soldAt, DateTimeOffset now)
    {
        if (soldAt > now + ProductEventLimits.MaxClockSkew)
        {
            return "sold in the future";
        }

        return soldAt < ProductEventLimits.Earliest ? "sold before 2000" : null;
    }

    private static string? TextProblem(SmartGoSaleRow row)
    {
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

        return row.ImageUrl is { } url && (url.Length > ProductEventLimits.MaxUrlLength
            || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            ? "invalid image url"
            : null;
    }

    /// <summary>The sale of a row every check passed.</summary>
    private static SaleRecord ToSale(SmartGoSaleRow row, TenantId tenant, ItemCondition? condition) => new()
    {
        Tenant = tenant,
        ProductId = row.ProductId!,
        SaleId = row.SaleId,
        Category = row.Category!,
        Brand = string.IsNullOrWhiteSpace(row.Brand) ? null : row.Brand,
        Condition = condition,
        Title = row.Title,
        Description = row.Description,
        SoldPrice = row.SoldPrice!.Value,
        Currency = row.Currency!,
        SoldAt = row.SoldAt.ToUniversalTime(),
        Source = SaleSource,
    };

    private static bool IsSafeId(string? value) => value is { Length: > 0 and <= ProductEventLimits.MaxIdLength } && SafeIdPattern().IsMatch(value);

    [GeneratedRegex("^[A-Za-z0-9._:-]+$")]
    private static partial Regex SafeIdPattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex CategoryPattern();

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyPattern();
}
