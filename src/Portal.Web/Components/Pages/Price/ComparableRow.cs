using Portal.Core.Pricing.Engine;

namespace Portal.Web.Components.Pages.Price;

/// <summary>
/// A grid row: a comparable of the current suggestion, one the analyst excluded (kept so it can be included again), or in
/// a fallback a look-alike found but not used (too few of them to price from).
/// </summary>
public sealed record ComparableRow(Comparable Comparable, bool Excluded, bool NotUsed = false)
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
    public double Weight => Excluded || NotUsed ? 0 : Comparable.Weight;
}
