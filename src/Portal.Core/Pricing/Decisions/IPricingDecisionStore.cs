
namespace Portal.Core.Pricing.Decisions;

/// <summary>Pricing decisions (SQLite embedded, DynamoDB in production). Every call is scoped to one tenant.</summary>
public interface IPricingDecisionStore
{
    Task SaveAsync(PricingDecision decision, CancellationToken cancellationToken);

    /// <summary>Null when the id is unknown <em>or belongs to another tenant</em>.</summary>
    Task<PricingDecision?> GetAsync(TenantId tenant, string decisionId, CancellationToken cancellationToken);

    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<PricingDecision>> QueryAsync(DecisionQuery query, CancellationToken cancellationToken);
}
