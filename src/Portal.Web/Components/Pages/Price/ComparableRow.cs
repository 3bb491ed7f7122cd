using Portal.Core.Pricing.Engine;

namespace Portal.Web.Components.Pages.Price;

/// <summary>A grid row: a comparable of the current suggestion, or one the analyst excluded (kept so it can be included again).</summary>
public sealed record ComparableRow(Comparable Comparable, bool Excluded)
{
    public string SaleId => Comparable.SaleId;
    public string? Brand => Comparable.Brand;
    public string? Title => Comparable.Title;
    public string? Condition => Comparable.Condition;
    public DateTimeOffset SoldAt => Comparable.SoldAt;
    public decimal SoldPrice => Comparable.SoldPrice;
    public decimal AdjustedPrice => Comparable.AdjustedPrice;
    public double Similarity => Comparable.Similarity;
    public double RecencyWeight => Comparable.RecencyWeight;
    public double Weight => Excluded ? 0 : Comparable.Weight;
}
