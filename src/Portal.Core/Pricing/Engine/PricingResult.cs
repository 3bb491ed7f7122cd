namespace Portal.Core.Pricing.Engine;

/// <summary>Either a suggestion or the reason no honest price can be given (never an invented number).</summary>
public sealed record PricingResult(PricingSuggestion? Suggestion, string? CannotPriceReason)
{
    public bool IsPriced => Suggestion is not null;

    public static PricingResult Priced(PricingSuggestion suggestion) => new(suggestion, null);

    public static PricingResult CannotPrice(string reason) => new(null, reason);
}
