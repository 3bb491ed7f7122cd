namespace Portal.Core.Sales;

/// <summary>
/// How long a sale stays readable after it sold: the seed's DynamoDB TTL, <c>sold_at + 730 days</c>. The one definition
/// both stores default to; what a running store applies is <see cref="ISalesStore.RetentionPeriod"/>.
/// </summary>
public static class SaleRetention
{
    public static readonly TimeSpan Default = TimeSpan.FromDays(730);
}
