
namespace Portal.Web.Components.Pages.Sales;

/// <summary>What the sales explorer's filter bar holds; turned into a <see cref="SalesQuery"/> for one grid page.</summary>
public sealed class SalesFilter
{
    public string? Category { get; set; }
    public string? Brand { get; set; }
    public ItemCondition? Condition { get; set; }
    public DateTime? SoldFrom { get; set; }
    public DateTime? SoldTo { get; set; }
    public decimal? MinPrice { get; set; }
    public decimal? MaxPrice { get; set; }

    /// <summary>Grid column (property name) → sort; anything else sorts by date.</summary>
    public static SalesSort SortFor(string? column) => column switch
    {
        nameof(SaleRecord.SoldPrice) => SalesSort.Price,
        nameof(SaleRecord.Brand) => SalesSort.Brand,
        nameof(SaleRecord.Category) => SalesSort.Category,
        _ => SalesSort.SoldAt,
    };

    public SalesQuery ToQuery(TenantId tenant, int page, int pageSize, string? sortColumn, bool descending) => new()
    {
        Tenant = tenant,
        Category = Blank(Category),
        Brand = Blank(Brand),
        Condition = Condition,
        MinPrice = MinPrice,
        MaxPrice = MaxPrice,
        SoldFrom = SoldFrom is { } from ? new DateTimeOffset(DateTime.SpecifyKind(from.Date, DateTimeKind.Utc)) : null,
        SoldTo = SoldTo is { } to ? new DateTimeOffset(DateTime.SpecifyKind(to.Date.AddDays(1).AddTicks(-1), DateTimeKind.Utc)) : null,
        SortBy = SortFor(sortColumn),
        Descending = sortColumn is null || descending,
        Limit = Math.Clamp(pageSize, 1, 200),
        Offset = Math.Max(0, page) * Math.Clamp(pageSize, 1, 200),
    };

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
