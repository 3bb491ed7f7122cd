using Microsoft.Extensions.Options;
using Portal.Core.Images;
using Portal.Core.Pricing.Decisions;
using Portal.Core.Pricing.Engine;

namespace Portal.Web.Components.Pages.Price;

/// <summary>
/// Turns an accepted or overridden suggestion into a saved <see cref="PricingDecision"/>, photos included. Idempotent per
/// item: the decision's id is the workbench's item id, so a second save of the same item (a double click, a second tab on
/// the same circuit, a retry) returns the decision already stored instead of writing another.
/// </summary>
public sealed class PricingDecisionRecorder(IImageStore images, IPricingDecisionStore decisions, IOptions<PriceLimits> priceLimits, TimeProvider time)
{
    // Saves of one item run one at a time, so the second finds the first's decision; striped to keep the locks bounded.
    private readonly SemaphoreSlim[] _itemLocks = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public async Task<PricingDecision> RecordAsync(
        TenantId tenant,
        string userName,
        PricedItem item,
        PricingSuggestion suggestion,
        decimal finalPrice,
        string? overrideReason,
        IReadOnlyList<string> excludedSaleIds,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userName);
        ArgumentNullException.ThrowIfNull(item);
        ArgumentException.ThrowIfNullOrWhiteSpace(item.ItemId);
        // An override is typed by hand, where a slipped zero happens; an accepted price is the engine's, made from sales that
        // passed the same limits, so it is not refused here.
        var overridden = !string.IsNullOrWhiteSpace(overrideReason);
        if (finalPrice < 0m || overridden && priceLimits.Value.Check(finalPrice, suggestion.Currency) is not null)
        {
            throw new ArgumentOutOfRangeException(nameof(finalPrice), finalPrice,
                priceLimits.Value.Check(finalPrice, suggestion.Currency) ?? "The final price cannot be negative.");
        }

        var itemLock = _itemLocks[(StringComparer.Ordinal.GetHashCode(item.ItemId) & int.MaxValue) % _itemLocks.Length];
        await itemLock.WaitAsync(cancellationToken);
        try
        {
            if (await decisions.GetAsync(tenant, item.ItemId, cancellationToken) is { } stored)
            {
                return stored;
            }

            var decision = await NewDecisionAsync(tenant, userName, item, suggestion, finalPrice, overrideReason, excludedSaleIds, cancellationToken);
            await decisions.SaveAsync(decision, cancellationToken);
            return decision;
        }
        finally
        {
            itemLock.Release();
        }
    }

    private async Task<PricingDecision> NewDecisionAsync(
        TenantId tenant,
        string userName,
        PricedItem item,
        PricingSuggestion suggestion,
        decimal finalPrice,
        string? overrideReason,
        IReadOnlyList<string> excludedSaleIds,
        CancellationToken cancellationToken)
    {
        var keys = new List<string>(item.Photos.Count);
        foreach (var photo in item.Photos)
        {
            keys.Add(await images.SaveAsync(tenant.Value, photo.Content, photo.ContentType, cancellationToken));
        }

        return new PricingDecision
        {
            DecisionId = item.ItemId,
            Tenant = tenant,
            UserName = userName,
            DecidedAt = time.GetUtcNow(),
            Category = item.Category,
            Condition = item.Condition,
            Brand = item.Brand,
            Title = item.Title,
            ImageKeys = keys,
            SuggestedPrice = suggestion.Price,
            RangeLow = suggestion.Range.Low,
            RangeHigh = suggestion.Range.High,
            Confidence = suggestion.Confidence,
            FinalPrice = finalPrice,
            Currency = suggestion.Currency,
            OverrideReason = string.IsNullOrWhiteSpace(overrideReason) ? null : overrideReason.Trim(),
            ExcludedSaleIds = excludedSaleIds.ToArray(),
            Fallback = suggestion.Fallback?.Kind,
            EmbeddingModel = suggestion.EmbeddingModel,
            Verdict = suggestion.Verdict,
        };
    }
}
