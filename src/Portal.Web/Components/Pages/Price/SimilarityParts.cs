using System.Globalization;
using Portal.Core.Pricing.Engine;

namespace Portal.Web.Components.Pages.Price;

/// <summary>A comparable's similarity split into what made it: the photo, the brand, the title.</summary>
public static class SimilarityParts
{
    public static string Describe(Comparable comparable)
    {
        ArgumentNullException.ThrowIfNull(comparable);
        var parts = new List<string> { string.Create(CultureInfo.InvariantCulture, $"photo {comparable.ImageSimilarity:0.00}") };
        if (comparable.BrandMatch)
        {
            parts.Add("same brand");
        }

        if (comparable.TitleSimilarity > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"title {comparable.TitleSimilarity:0.00}"));
        }

        return string.Join(" · ", parts);
    }
}
