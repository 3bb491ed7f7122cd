using Portal.Core.Sales;

namespace Portal.Core.Pricing.Decisions;

/// <summary>
/// What a decided item sold for: the first sale of the same product (by product id) at or after the decision, in the
/// decision's tenant. A product's sales are read once per instance, so a page and its summary ask the store once each.
/// </summary>
public sealed class DecisionSales(ISalesStore sales, TenantId tenant)
{
    private readonly Dictionary<string, IReadOnlyList<SaleRecord>> _byProduct = new(StringComparer.Ordinal);

    public TenantId Tenant => tenant;

    /// <summary>Null when the decision names no product or the product has not sold since.</summary>
    public async Task<SaleRecord?> SoldAsync(string? productId, DateTimeOffset decidedAt, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(productId))
        {
            return null;
        }

        if (!_byProduct.TryGetValue(productId, out var found))
        {
            found = await sales.QuerySalesAsync(new SalesQuery { Tenant = tenant, ProductId = productId, Limit = 20 }, cancellationToken);
            _byProduct[productId] = found;
        }

        // A sale before the decision is an earlier life of the product, not the outcome of this price.
        return found.Where(s => s.SoldAt >= decidedAt).MinBy(s => s.SoldAt);
    }
}
