namespace Portal.Core.Sync;

/// <summary>
/// The <c>detail</c> of a product event. Which fields are required depends on the detail-type;
/// the parser only checks JSON types, <see cref="ProductEventValidator"/> checks the rest.
/// </summary>
public sealed record ProductEventDetail
{
    public string? TenantId { get; init; }
    public string? ProductId { get; init; }

    // Listing fields (product.listed, product.updated; optional descriptive context on product.sold).
    public string? Category { get; init; }
    public string? Brand { get; init; }
    /// <summary>A condition wire name (<c>new_with_tags</c>, …), see <see cref="Sales.ItemConditions"/>.</summary>
    public string? Condition { get; init; }
    public string? Title { get; init; }
    public string? Description { get; init; }
    public decimal? AskingPrice { get; init; }
    public string? Currency { get; init; }
    public IReadOnlyList<string>? ImageKeys { get; init; }
    public IReadOnlyList<string>? ImageUrls { get; init; }

    // Sale fields (product.sold).
    public string? SaleId { get; init; }
    public decimal? SoldPrice { get; init; }
    public DateTimeOffset? SoldAt { get; init; }
    /// <summary>The sold product's photo as an image-store key.</summary>
    public string? ImageKey { get; init; }
    /// <summary>The sold product's photo as an absolute http(s) URL.</summary>
    public string? ImageUrl { get; init; }
}
