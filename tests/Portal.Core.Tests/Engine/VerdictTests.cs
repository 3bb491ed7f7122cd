using Portal.Core.Pricing.Engine;

namespace Portal.Core.Tests.Engine;

public sealed class VerdictTests
{
    [Fact]
    public void CloseAgreeingLookAlikesGiveAStrongVerdictCountingThemAndTheirAge()
    {
        var fixture = new EngineFixture();
        fixture.AddSale("a", 100m, 2, 0.95);
        fixture.AddSale("b", 105m, 20, 0.93);
        fixture.AddSale("c", 98m, 59.5, 0.92);

        var suggestion = fixture.Engine().Calculate(EngineFixture.QueryFor()).Suggestion!;

        Assert.Equal(VerdictLevel.Strong, suggestion.Verdict.Level);
        Assert.Equal("Strong match: 3 close look-alikes sold in the last 60 days", suggestion.Verdict.Sentence);
        Assert.Empty(suggestion.LookAlikesNotUsed);
    }

    [Fact]
    public void LookAlikesBarelyOverTheThresholdGiveAWeakVerdictWhateverTheirCount()
    {
        // Six sales just over the 0.5 threshold: the similarity component is about 0.02, like a t-shirt priced among jackets.
        var fixture = new EngineFixture();
        for (var i = 0; i < 6; i++)
        {
            fixture.AddSale($"s{i}", 100m + i, 5, 0.51);
        }

        var suggestion = fixture.Engine().Calculate(EngineFixture.QueryFor()).Suggestion!;

        Assert.Null(suggestion.Fallback);
        Assert.Equal(6, suggestion.Comparables.Count);
        Assert.True(suggestion.ConfidenceComponents.Similarity < Verdict.StrongSimilarity);
        Assert.Equal(VerdictLevel.Weak, suggestion.Verdict.Level);
        Assert.Equal("Weak match: the nearest sales only loosely resemble this item — check before accepting", suggestion.Verdict.Sentence);
    }

    [Fact]
    public void CloseLookAlikesThatDisagreeOnThePriceGiveAWeakVerdict()
    {
        var fixture = new EngineFixture();
        fixture.AddSale("a", 20m, 2, 0.95);
        fixture.AddSale("b", 100m, 2, 0.95);
        fixture.AddSale("c", 400m, 2, 0.95);

        var suggestion = fixture.Engine().Calculate(EngineFixture.QueryFor()).Suggestion!;

        Assert.True(suggestion.ConfidenceComponents.Dispersion < Verdict.StrongAgreement);
        Assert.Equal(VerdictLevel.Weak, suggestion.Verdict.Level);
        Assert.Equal("Weak match: the 3 look-alikes sold at prices far apart — check before accepting", suggestion.Verdict.Sentence);
    }

    [Fact]
    public void AMedianFallbackHasNoVerdictOfLookAlikesAndListsTheFewFoundWithoutUsingThem()
    {
        var fixture = new EngineFixture();
        fixture.AddSale("near1", 900m, 5, 0.9, imageKey: "acme/near1.jpg");
        fixture.AddSale("near2", 950m, 5, 0.8);
        foreach (var i in Enumerable.Range(0, 5))
        {
            fixture.AddSale($"far{i}", 100m + i, 10, 0.1);
        }

        var suggestion = fixture.Engine().Calculate(EngineFixture.QueryFor()).Suggestion!;

        Assert.Equal(FallbackKinds.CategoryMedian, suggestion.Fallback!.Kind);
        Assert.Equal(7, suggestion.Fallback.Sales);
        Assert.Equal(VerdictLevel.None, suggestion.Verdict.Level);
        Assert.Equal("No look-alikes: priced as a typical shoes from 7 sales; the 2 look-alikes found are too few to price from", suggestion.Verdict.Sentence);
        Assert.Empty(suggestion.Comparables);
        Assert.Equal(["near1", "near2"], suggestion.LookAlikesNotUsed.Select(c => c.SaleId));
        Assert.All(suggestion.LookAlikesNotUsed, c => Assert.Equal(0, c.Weight));
        Assert.Equal("acme/near1.jpg", suggestion.LookAlikesNotUsed[0].ImageKey);
        Assert.Equal(0.9, suggestion.LookAlikesNotUsed[0].Similarity, 4);

        // They weigh nothing of their own: the price is the category's plain median over all seven sales, look-alikes
        // counted as sales of the category like any other (100…104, 900, 950 → 103).
        Assert.Equal(103m, suggestion.Price);
        var without = fixture.Engine().Calculate(EngineFixture.QueryFor(exclude: new HashSet<string> { "near1", "near2" })).Suggestion!;
        Assert.Equal(102m, without.Price);
        Assert.Empty(without.LookAlikesNotUsed);
    }

    [Fact]
    public void AFallbackExplainsItselfOnceWithoutOnlyZeroAndWithoutComponentsThatDoNotApply()
    {
        var fixture = new EngineFixture();
        foreach (var i in Enumerable.Range(0, 5))
        {
            fixture.AddSale($"far{i}", 100m + i, 10, 0.1);
        }

        var suggestion = fixture.Engine().Calculate(EngineFixture.QueryFor(brand: "Nobody")).Suggestion!;

        Assert.Equal(VerdictLevel.None, suggestion.Verdict.Level);
        Assert.Equal("No look-alikes: priced as a typical shoes from 5 sales", suggestion.Verdict.Sentence);
        Assert.Equal("No similar-looking sales; priced from the median of 5 sales in 'shoes'.", suggestion.Fallback!.Reason);
        Assert.DoesNotContain(suggestion.Explanation, line => line.Contains("Only 0", StringComparison.Ordinal));
        Assert.Equal(suggestion.Explanation.Count, suggestion.Explanation.Distinct(StringComparer.Ordinal).Count());
        var confidence = Assert.Single(suggestion.Explanation, line => line.StartsWith("Confidence", StringComparison.Ordinal));
        Assert.DoesNotContain("similarity", confidence, StringComparison.Ordinal);
        Assert.DoesNotContain("recency", confidence, StringComparison.Ordinal);
        Assert.DoesNotContain("count", confidence, StringComparison.Ordinal);
        Assert.Contains("without look-alikes", confidence, StringComparison.Ordinal);
    }

    [Fact]
    public void ABrandMedianNamesTheBrandInItsVerdict()
    {
        var fixture = new EngineFixture();
        fixture.AddSale("a", 100m, 10, 0.2, brand: "Acme");
        fixture.AddSale("b", 110m, 10, 0.2, brand: "Acme");
        fixture.AddSale("c", 120m, 10, 0.2, brand: "Acme");
        fixture.AddSale("n", 120m, 10, 0.9, brand: "Other");

        var suggestion = fixture.Engine().Calculate(EngineFixture.QueryFor(brand: "Acme")).Suggestion!;

        Assert.Equal(FallbackKinds.BrandCategoryMedian, suggestion.Fallback!.Kind);
        Assert.Equal("Only 1 similar-looking sale (3 needed); priced from the median of 3 'Acme' sales in 'shoes'.", suggestion.Fallback.Reason);
        Assert.Equal("No look-alikes: priced as a typical Acme shoes from 3 sales; the one look-alike found is too few to price from", suggestion.Verdict.Sentence);
        Assert.Equal("n", Assert.Single(suggestion.LookAlikesNotUsed).SaleId);
    }
}
