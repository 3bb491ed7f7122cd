using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Portal.Core.Sales;

/// <summary>
/// The prices the portal accepts (section <c>Pricing:PriceLimits</c>), checked wherever a price enters: manifest import,
/// marketplace events, the SmartGo import and price overrides. A maximum is per currency because one number cannot suit
/// both EUR and KRW; the defaults are about ten million euros, rounded up, so they catch slipped zeros, not houses.
/// </summary>
public sealed partial class PriceLimits
{
    public const string SectionName = "Pricing:PriceLimits";

    /// <summary>
    /// No configuration can allow this much or more: the stores keep prices as exact decimal text and refuse it
    /// (the event schema states it as its <c>exclusiveMaximum</c>).
    /// </summary>
    public const decimal Ceiling = 1_000_000_000_000m;

    /// <summary>The smallest price accepted, in any currency (inclusive; must be above 0).</summary>
    public decimal Minimum { get; set; } = 0.01m;

    /// <summary>The largest price accepted (inclusive) in a currency not listed in <see cref="MaximumByCurrency"/>.</summary>
    public decimal DefaultMaximum { get; set; } = 10_000_000m;

    /// <summary>
    /// The largest price accepted per ISO 4217 code. Configured entries add to or replace these defaults.
    /// </summary>
    public Dictionary<string, decimal> MaximumByCurrency { get; set; } = new(StringComparer.Ordinal)
    {
        ["BRL"] = 100_000_000m,
        ["CNY"] = 100_000_000m,
        ["CZK"] = 500_000_000m,
        ["DKK"] = 100_000_000m,
        ["HKD"] = 100_000_000m,
        ["HUF"] = 5_000_000_000m,
        ["IDR"] = 200_000_000_000m,
        ["INR"] = 1_000_000_000m,
        ["ISK"] = 2_000_000_000m,
        ["JPY"] = 2_000_000_000m,
        ["KRW"] = 20_000_000_000m,
        ["MXN"] = 500_000_000m,
        ["NOK"] = 200_000_000m,
        ["PHP"] = 1_000_000_000m,
        ["SEK"] = 200_000_000m,
        ["THB"] = 500_000_000m,
        ["TRY"] = 500_000_000m,
        ["TWD"] = 500_000_000m,
        ["VND"] = 500_000_000_000m,
        ["ZAR"] = 200_000_000m,
    };

    /// <summary>The largest price accepted in <paramref name="currency"/> (an ISO code, compared upper-case).</summary>
    public decimal MaximumFor(string? currency) =>
        currency is not null && MaximumByCurrency.TryGetValue(currency.ToUpperInvariant(), out var maximum) ? maximum : DefaultMaximum;

    /// <summary>Null when <paramref name="price"/> is within the limits of <paramref name="currency"/>; else why not, naming the limit.</summary>
    public string? Check(decimal price, string? currency)
    {
        var code = string.IsNullOrWhiteSpace(currency) ? "(no currency)" : currency.ToUpperInvariant();
        if (price < Minimum)
        {
            return $"Price {Format(price)} {code} is below the minimum price {Format(Minimum)} ({SectionName}:Minimum).";
        }

        var maximum = MaximumFor(currency);
        if (price > maximum)
        {
            return $"Price {Format(price)} {code} is above the limit for {code}, {Format(maximum)} ({LimitKey(currency)}).";
        }

        return null;
    }

    /// <summary>The configuration key that sets <paramref name="currency"/>'s maximum, for messages an operator acts on.</summary>
    public string LimitKey(string? currency) =>
        currency is not null && MaximumByCurrency.ContainsKey(currency.ToUpperInvariant())
            ? $"{SectionName}:MaximumByCurrency:{currency.ToUpperInvariant()}"
            : $"{SectionName}:DefaultMaximum";

    /// <summary>Every configuration problem, each naming its key.</summary>
    public IEnumerable<string> Problems()
    {
        if (Minimum <= 0m)
        {
            yield return $"{SectionName}:Minimum must be above 0.";
        }

        var maximums = MaximumByCurrency.Select(p => (Key: $"{SectionName}:MaximumByCurrency:{p.Key}", Code: (string?)p.Key, Maximum: p.Value))
            .Prepend(($"{SectionName}:DefaultMaximum", null, DefaultMaximum));
        foreach (var (key, code, maximum) in maximums)
        {
            if (code is not null && !CurrencyCode().IsMatch(code))
            {
                yield return $"{key}: '{code}' is not an ISO 4217 code (three upper-case letters).";
            }

            if (maximum < Minimum)
            {
                yield return $"{key} ({Format(maximum)}) must not be below {SectionName}:Minimum ({Format(Minimum)}).";
            }

            if (maximum >= Ceiling)
            {
                yield return $"{key} ({Format(maximum)}) must be below {Format(Ceiling)}, the largest price the stores hold.";
            }
        }
    }

    /// <summary>Grouped digits and no trailing zeros in invariant culture: 10,000,000 and 0.01, whatever the host's locale.</summary>
    public static string Format(decimal value) => value.ToString("#,0.##########", CultureInfo.InvariantCulture);

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyCode();
}

/// <summary>Refuses to start with limits that would refuse every price or promise more than the stores hold.</summary>
public sealed class PriceLimitsValidator : IValidateOptions<PriceLimits>
{
    public ValidateOptionsResult Validate(string? name, PriceLimits options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Problems().ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
