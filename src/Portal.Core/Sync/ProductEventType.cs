namespace Portal.Core.Sync;

/// <summary>The marketplace event kinds the sync service understands.</summary>
public enum ProductEventType
{
    Listed,
    Updated,
    Sold,
    Delisted,
}

/// <summary>The <c>detail-type</c> wire names of <see cref="ProductEventType"/>.</summary>
public static class ProductEventTypes
{
    public const string Listed = "product.listed";
    public const string Updated = "product.updated";
    public const string Sold = "product.sold";
    public const string Delisted = "product.delisted";

    public static IReadOnlyList<string> All { get; } = [Listed, Updated, Sold, Delisted];

    public static string ToWireName(this ProductEventType type) => type switch
    {
        ProductEventType.Listed => Listed,
        ProductEventType.Updated => Updated,
        ProductEventType.Sold => Sold,
        ProductEventType.Delisted => Delisted,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>Exact, case-sensitive match: <c>Product.Sold</c> is not a detail-type.</summary>
    public static bool TryParse(string? value, out ProductEventType type)
    {
        switch (value)
        {
            case Listed: type = ProductEventType.Listed; return true;
            case Updated: type = ProductEventType.Updated; return true;
            case Sold: type = ProductEventType.Sold; return true;
            case Delisted: type = ProductEventType.Delisted; return true;
            default: type = default; return false;
        }
    }
}
