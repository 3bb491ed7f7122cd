namespace Portal.Web.Components.Pages.Price;

/// <summary>The inputs a suggestion was computed from (what Accept/Override records, not what the form holds now), and the item they belong to.</summary>
public sealed record PricedItem(
    string ItemId,
    IReadOnlyList<PhotoItem> Photos,
    string Category,
    string Condition,
    string? Brand,
    string? Title,
    DateTimeOffset PricingDate);
