using System.Collections.Concurrent;
using Portal.Core.Pricing.Decisions;
using Portal.Core.Sales;

namespace Portal.Web.Tests.Fakes;

/// <summary>Tests only: the app gets the SQLite adapter; this keeps decisions in memory with the port's tenant rules.</summary>
public sealed class InMemoryPricingDecisionStore : IPricingDecisionStore
{
    private readonly ConcurrentDictionary<(TenantId, string), PricingDecision> _decisions = new();

    public List<DecisionQuery> Queries { get; } = [];

    public Task SaveAsync(PricingDecision decision, CancellationToken cancellationToken)
    {
        _decisions[(decision.Tenant, decision.DecisionId)] = decision;
        return Task.CompletedTask;
    }

    public Task<PricingDecision?> GetAsync(TenantId tenant, string decisionId, CancellationToken cancellationToken) =>
        Task.FromResult(_decisions.GetValueOrDefault((tenant, decisionId)));

    public Task<IReadOnlyList<PricingDecision>> QueryAsync(DecisionQuery query, CancellationToken cancellationToken)
    {
        IReadOnlyList<PricingDecision> result = Matching(query).Skip(query.Offset).Take(query.Limit).ToList();
        return Task.FromResult(result);
    }

    public Task<IReadOnlyList<DecisionSummary>> SummariseAsync(DecisionQuery query, CancellationToken cancellationToken)
    {
        IReadOnlyList<DecisionSummary> result = Matching(query).Take(query.Limit).Select(DecisionSummary.Of).ToList();
        return Task.FromResult(result);
    }

    private IEnumerable<PricingDecision> Matching(DecisionQuery query)
    {
        lock (Queries)
        {
            Queries.Add(query);
        }

        return _decisions.Values
            .Where(d => d.Tenant == query.Tenant)
            .Where(d => query.UserName is null || string.Equals(d.UserName, query.UserName, StringComparison.Ordinal))
            .Where(d => query.Category is null || d.Category == query.Category)
            .Where(d => query.From is null || d.DecidedAt >= query.From)
            .Where(d => query.To is null || d.DecidedAt <= query.To)
            .OrderByDescending(d => d.DecidedAt)
            .ThenByDescending(d => d.DecisionId, StringComparer.Ordinal)
            .ToList();
    }

    public static PricingDecision Decision(string tenant, string id, string? productId, decimal suggested, decimal final, DateTimeOffset at, string user = "analyst@example.com", string category = "shoes") => new()
    {
        DecisionId = id,
        Tenant = new TenantId(tenant),
        UserName = user,
        DecidedAt = at,
        Category = category,
        Condition = "good",
        Title = $"Title of {id}",
        ProductId = productId,
        ImageKeys = [],
        SuggestedPrice = suggested,
        RangeLow = suggested * 0.8m,
        RangeHigh = suggested * 1.2m,
        Confidence = 0.7,
        FinalPrice = final,
        Currency = "SGD",
        ExcludedSaleIds = [],
        EmbeddingModel = "resnet18-onnx-v1",
    };
}
