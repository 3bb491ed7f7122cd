using Portal.Core.Pricing.Engine;

namespace Portal.Core.Pricing;

/// <summary>What pricing a request came to: a suggestion, or exactly one reason why there is none.</summary>
public abstract record PriceItemOutcome
{
    private PriceItemOutcome()
    {
    }

    /// <summary>The suggestion, with the comparables' photos as URLs.</summary>
    public sealed record Priced(PricingSuggestion Suggestion) : PriceItemOutcome;

    /// <summary>Fields or photos that are wrong, per field (keys as the API's field names).</summary>
    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors, string Detail) : PriceItemOutcome;

    /// <summary>A photo over the byte or pixel limit.</summary>
    public sealed record TooLarge(string Detail) : PriceItemOutcome;

    /// <summary>A photo whose bytes are not a supported raster image.</summary>
    public sealed record NotAnImage(string Detail) : PriceItemOutcome;

    /// <summary>The request is valid but the sales do not support a price (too few similar items, for instance).</summary>
    public sealed record CannotPrice(string Reason) : PriceItemOutcome;

    /// <summary>Too much photo work in flight: nothing was done, try again after <see cref="RetryAfter"/>.</summary>
    public sealed record Busy(string Detail, TimeSpan RetryAfter) : PriceItemOutcome;
}
