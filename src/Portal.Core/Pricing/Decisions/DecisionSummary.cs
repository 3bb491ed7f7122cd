namespace Portal.Core.Pricing.Decisions;

/// <summary>The fields of a decision that its accuracy is measured from, once the item sold.</summary>
public sealed record DecisionSummary(
    string DecisionId,
    string UserName,
    DateTimeOffset DecidedAt,
    string? ProductId,
    decimal SuggestedPrice,
    decimal FinalPrice,
    string Currency)
{
    public static DecisionSummary Of(PricingDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return new DecisionSummary(decision.DecisionId, decision.UserName, decision.DecidedAt, decision.ProductId,
            decision.SuggestedPrice, decision.FinalPrice, decision.Currency);
    }
}
