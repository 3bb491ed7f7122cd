namespace Portal.Web.Components.Pages.Price;

/// <summary>The inputs a suggestion was computed from (what Accept/Override records, not what the form holds now).</summary>
public sealed record PricedItem(
    IReadOnlyList<PhotoItem> Photos,
    string Category,
    string Condition,
    string? Brand,
    string? Title,
    DateTimeOffset PricingDate);
