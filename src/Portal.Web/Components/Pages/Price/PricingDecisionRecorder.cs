using Microsoft.Extensions.Options;
using Portal.Core.Images;
using Portal.Core.Pricing.Decisions;
using Portal.Core.Pricing.Engine;

namespace Portal.Web.Components.Pages.Price;

/// <summary>Turns an accepted or overridden suggestion into a saved <see cref="PricingDecision"/>, photos included.</summary>
public sealed class PricingDecisionRecorder(IImageStore images, IPricingDecisionStore decisions, IOptions<PriceLimits> priceLimits, TimeProvider time)
{
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
        // An override is typed by hand, where a slipped zero happens; an accepted price is the engine's, made from sales that
        // passed the same limits, so it is not refused here.
        var overridden = !string.IsNullOrWhiteSpace(overrideReason);
        if (finalPrice < 0m || overridden && priceLimits.Value.Check(finalPrice, suggestion.Currency) is not null)
        {
            throw new ArgumentOutOfRangeException(nameof(finalPrice), finalPrice,
                priceLimits.Value.Check(finalPrice, suggestion.Currency) ?? "The final price cannot be negative.");
        }

        var keys = new List<string>(item.Photos.Count);
        foreach (var photo in item.Photos)
        {
            keys.Add(await images.SaveAsync(tenant.Value, photo.Content, photo.ContentType, cancellationToken));
        }

        var now = time.GetUtcNow();
        var decision = new PricingDecision
        {
            DecisionId = Guid.CreateVersion7(now).ToString("N"),
            Tenant = tenant,
            UserName = userName,
            DecidedAt = now,
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
        };
        await decisions.SaveAsync(decision, cancellationToken);
        return decision;
    }
}
