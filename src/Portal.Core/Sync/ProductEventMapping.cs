using Portal.Core.Sales;

namespace Portal.Core.Sync;

public static class ProductEventMapping
{
    public const string SaleSource = "carousel";

    /// <summary>
    /// The sale a validated <c>product.sold</c> event records. The season follows from <c>soldAt</c>.
    /// An image URL is not mapped: the pipeline fetches it and stores the key it gets back.
    /// </summary>
    public static SaleRecord ToSaleRecord(this ProductEvent productEvent)
    {
        ArgumentNullException.ThrowIfNull(productEvent);
        if (productEvent.Type != ProductEventType.Sold)
        {
            throw new InvalidOperationException($"Only {ProductEventTypes.Sold} events record a sale, not {productEvent.DetailType}.");
        }

        var d = productEvent.Detail;
        return new SaleRecord
        {
            Tenant = new TenantId(d.TenantId ?? string.Empty),
            ProductId = d.ProductId ?? throw Missing("productId"),
            SaleId = d.SaleId ?? throw Missing("saleId"),
            Category = d.Category ?? throw Missing("category"),
            Brand = d.Brand,
            Condition = ItemConditions.TryParse(d.Condition, out var condition) ? condition : null,
            Title = d.Title,
            Description = d.Description,
            SoldPrice = d.SoldPrice ?? throw Missing("soldPrice"),
            Currency = d.Currency ?? throw Missing("currency"),
            SoldAt = (d.SoldAt ?? throw Missing("soldAt")).ToUniversalTime(),
            ImageKey = d.ImageKey,
            Source = SaleSource,
        };
    }

    private static InvalidOperationException Missing(string field) =>
        new($"detail.{field} is required to record a sale; validate the event first.");
}
