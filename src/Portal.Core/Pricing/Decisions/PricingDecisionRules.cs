
namespace Portal.Core.Pricing.Decisions;

/// <summary>What every decision store refuses before writing or querying, so both faces of the port refuse the same things.</summary>
public static class PricingDecisionRules
{
    public static void RequireTenant(TenantId tenant)
    {
        if (tenant.Value is null)
        {
            throw new ArgumentException("The tenant is missing (default TenantId).", nameof(tenant));
        }
    }

    public static void Validate(PricingDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        RequireTenant(decision.Tenant);
        ArgumentException.ThrowIfNullOrWhiteSpace(decision.DecisionId, nameof(decision.DecisionId));
        ArgumentException.ThrowIfNullOrWhiteSpace(decision.UserName, nameof(decision.UserName));
        ArgumentException.ThrowIfNullOrWhiteSpace(decision.Category, nameof(decision.Category));
        ArgumentException.ThrowIfNullOrWhiteSpace(decision.Condition, nameof(decision.Condition));
        ArgumentException.ThrowIfNullOrWhiteSpace(decision.Currency, nameof(decision.Currency));
        ArgumentException.ThrowIfNullOrWhiteSpace(decision.EmbeddingModel, nameof(decision.EmbeddingModel));
        ArgumentNullException.ThrowIfNull(decision.ImageKeys);
        ArgumentNullException.ThrowIfNull(decision.ExcludedSaleIds);
    }
}
