
namespace Portal.Core.Pricing.Decisions;

/// <summary>Pricing decisions (SQLite embedded, DynamoDB in production). Every call is scoped to one tenant.</summary>
public interface IPricingDecisionStore
{
    Task SaveAsync(PricingDecision decision, CancellationToken cancellationToken);

    /// <summary>Null when the id is unknown <em>or belongs to another tenant</em>.</summary>
    Task<PricingDecision?> GetAsync(TenantId tenant, string decisionId, CancellationToken cancellationToken);

    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<PricingDecision>> QueryAsync(DecisionQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Every decision the query's filters match, newest first, as the few fields a summary needs (the page total, the
    /// accuracy per analyst and month). The query's offset is ignored; its limit caps how many of the newest are read.
    /// </summary>
    Task<IReadOnlyList<DecisionSummary>> SummariseAsync(DecisionQuery query, CancellationToken cancellationToken);
}
