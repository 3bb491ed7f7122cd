using Portal.Core.Pricing.Decisions;
using Portal.Core.Sales;

namespace Portal.Core.Pricing.Batches;

/// <summary>
/// Accepts a batch's strong matches in bulk through the one decision store. Idempotent per row: a row's decision id is
/// derived from the batch and line, claimed on the row first, and saved only when the store does not have it yet, so a
/// second click, a retry or two analysts at once record each row's decision once.
/// </summary>
public sealed class BatchDecisions(IPricingBatchStore store, IPricingDecisionStore decisions, TimeProvider time)
{
    /// <summary>The number of rows that got a decision now (0 when every strong match already had one); null for an unknown batch.</summary>
    public async Task<int?> AcceptStrongMatchesAsync(TenantId tenant, string batchId, string userName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userName);
        if (await store.GetAsync(tenant, batchId, cancellationToken) is null)
        {
            return null;
        }

        var accepted = 0;
        foreach (var row in await store.GetRowsAsync(tenant, batchId, cancellationToken))
        {
            if (row is not { Status: BatchRowStatus.Priced, Verdict: BatchVerdict.Strong, Price: { } price, ImageKey: { } imageKey })
            {
                continue;
            }

            var decisionId = DecisionIdOf(batchId, row.Line);
            if (row.DecisionId is null)
            {
                await store.SetDecisionAsync(tenant, batchId, row.Line, decisionId, cancellationToken);
            }

            if (await decisions.GetAsync(tenant, decisionId, cancellationToken) is not null)
            {
                continue;
            }

            try
            {
                await decisions.SaveAsync(Decision(tenant, userName, row, price, imageKey, decisionId), cancellationToken);
                accepted++;
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // Saved at the same instant by another request, the row has its one decision; anything else is a real failure.
                if (await decisions.GetAsync(tenant, decisionId, cancellationToken) is null)
                {
                    throw;
                }
            }
        }

        return accepted;
    }

    /// <summary>One id per batch row, so the store's own uniqueness makes a repeat a no-op.</summary>
    public static string DecisionIdOf(string batchId, int line) => $"{batchId}-{line:D6}";

    private PricingDecision Decision(TenantId tenant, string userName, BatchRow row, BatchRowPrice price, string imageKey, string decisionId) => new()
    {
        DecisionId = decisionId,
        Tenant = tenant,
        UserName = userName,
        DecidedAt = time.GetUtcNow(),
        Category = row.Category,
        Condition = row.Condition,
        Brand = row.Brand,
        Title = row.Title,
        ImageKeys = [imageKey],
        SuggestedPrice = price.Price,
        RangeLow = price.RangeLow,
        RangeHigh = price.RangeHigh,
        Confidence = price.Confidence,
        FinalPrice = price.Price,
        Currency = price.Currency,
        ExcludedSaleIds = [],
        Fallback = price.Fallback,
        EmbeddingModel = price.EmbeddingModel,
    };
}
