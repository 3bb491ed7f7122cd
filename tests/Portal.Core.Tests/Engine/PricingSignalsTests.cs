using Portal.Core.Pricing.Engine;
using Portal.Core.Pricing.Similarity;
using Portal.Core.Sales;

namespace Portal.Core.Tests.Engine;

/// <summary>The signals beyond the photo: brand and title in the comparables' score, the market level, calibrated ranges.</summary>
public sealed class PricingSignalsTests
{
    [Fact]
    public void ASaleOfTheSameBrandOutranksACloserLookingSaleOfAnother()
    {
        var fixture = new EngineFixture();
        fixture.Options.BrandWeight = 0.3;
        fixture.AddSale("other-1", 100m, 1, 0.9, brand: "Other");
        fixture.AddSale("other-2", 100m, 1, 0.85, brand: "Other");
        fixture.AddSale("same", 400m, 1, 0.7, brand: "Acme");
        fixture.AddSale("other-3", 100m, 1, 0.8, brand: "Other");

        var suggestion = fixture.Engine().Calculate(EngineFixture.QueryFor(brand: "acme")).Suggestion!;

        var first = suggestion.Comparables[0];
        Assert.Equal("same", first.SaleId);
        Assert.True(first.BrandMatch);
        Assert.Equal(0.7, first.ImageSimilarity, 4);
        Assert.Equal(1.0, first.Similarity, 4);
        Assert.All(suggestion.Comparables.Skip(1), c => Assert.False(c.BrandMatch));
    }

    [Fact]
    public void ABrandSaleBelowTheImageThresholdStillCountsWhenTheBrandLiftsIt()
    {
        var fixture = new EngineFixture();
        fixture.Options.BrandWeight = 0.3;
        fixture.AddSale("a", 100m, 1, 0.3, brand: "Acme");
        fixture.AddSale("b", 110m, 2, 0.35, brand: "Acme");
        fixture.AddSale("c", 120m, 3, 0.25, brand: "Acme");
        fixture.AddSale("far", 999m, 1, 0.1, brand: "Acme");

        var suggestion = fixture.Engine().Calculate(EngineFixture.QueryFor(brand: "Acme")).Suggestion!;

        Assert.Null(suggestion.Fallback);
        Assert.Equal(["b", "a", "c"], suggestion.Comparables.Select(c => c.SaleId));
    }

    [Fact]
    public void TitleSimilarityIsReportedPerComparableAndLiftsTheMatchingTitle()
    {
        var fixture = new EngineFixture();
        fixture.Options.TitleWeight = 0.2;
        var near = fixture.AddSale("near", 100m, 1, 0.8);
        var far = fixture.AddSale("far", 100m, 1, 0.82);
        fixture.AddSale("x", 100m, 1, 0.7);
        fixture.Index.Add(near with { SaleId = "titled", Title = "Paisagem com rio" }, new StoredEmbedding(EngineFixture.Model, EngineFixture.VectorAt(0.8, 2)));
        _ = far;

        var suggestion = fixture.Engine().Calculate(EngineFixture.QueryFor() with { Title = "Paisagem com rio e barco" }).Suggestion!;

        var titled = suggestion.Comparables.Single(c => c.SaleId == "titled");
        Assert.InRange(titled.TitleSimilarity, 0.6, 1.0);
        Assert.Equal("titled", suggestion.Comparables[0].SaleId);
        Assert.Equal(titled.ImageSimilarity + 0.2 * titled.TitleSimilarity, titled.Similarity, 3);
    }

    [Fact]
    public void TheMarketLevelDrawsThePriceTowardTheBrandsMedianAndSaysSo()
    {
        var fixture = new EngineFixture();
        fixture.Options.MarketLevelWeight = 0.5;
        fixture.Options.MarketLevelShrinkage = 0;
        fixture.AddSale("a", 100m, 1, 0.9, brand: "Other");
        fixture.AddSale("b", 100m, 1, 0.9, brand: "Other");
        fixture.AddSale("c", 100m, 1, 0.9, brand: "Other");
        fixture.AddSale("brand", 400m, 1, 0.1, brand: "Acme");

        var suggestion = fixture.Engine().Calculate(EngineFixture.QueryFor(brand: "Acme")).Suggestion!;

        // Geometric mean of the comparables' 100 and the brand's 400.
        Assert.Equal(200m, suggestion.Price);
        Assert.Equal(2.0, suggestion.Adjustments.MarketLevel, 3);
        Assert.Equal("'Acme' in 'shoes'", suggestion.Adjustments.MarketLevelSource);
        Assert.Contains(suggestion.Explanation, line => line.StartsWith("Market level: 'Acme' in 'shoes' sold 1 time(s)", StringComparison.Ordinal));
    }

    [Fact]
    public void ABrandsLevelIsTrustedByHowOftenItSoldAndDrawnTowardItsCategoryOtherwise()
    {
        decimal PriceWithBrandSales(int brandSales, double shrinkage)
        {
            var fixture = new EngineFixture();
            fixture.Options.MarketLevelWeight = 1.0;
            fixture.Options.MarketLevelShrinkage = shrinkage;
            for (var i = 0; i < 9; i++)
            {
                fixture.AddSale("other-" + i, 100m, 1, 0.9, brand: "Other");
            }

            for (var i = 0; i < brandSales; i++)
            {
                fixture.AddSale("acme-" + i, 400m, 1, 0.1, brand: "Acme");
            }

            return fixture.Engine().Calculate(EngineFixture.QueryFor(brand: "Acme")).Suggestion!.Price;
        }

        var once = PriceWithBrandSales(1, shrinkage: 1);
        var often = PriceWithBrandSales(8, shrinkage: 1);

        // One sale at 400 against a category at 100: half-way (in log); eight sales: most of the way, never past the brand's own level.
        Assert.Equal(200m, once);
        Assert.InRange(often, 300m, 400m);
        Assert.Equal(400m, PriceWithBrandSales(1, shrinkage: 0));
    }

    [Fact]
    public void TheShrunkMarketLevelSaysHowMuchTheBrandWasTrusted()
    {
        var fixture = new EngineFixture();
        fixture.Options.MarketLevelWeight = 0.5;
        fixture.Options.MarketLevelShrinkage = 1;
        fixture.AddSale("a", 100m, 1, 0.9, brand: "Other");
        fixture.AddSale("b", 100m, 1, 0.9, brand: "Other");
        fixture.AddSale("c", 100m, 1, 0.9, brand: "Other");
        fixture.AddSale("brand", 400m, 1, 0.1, brand: "Acme");

        var suggestion = fixture.Engine().Calculate(EngineFixture.QueryFor(brand: "Acme")).Suggestion!;

        Assert.Equal("'Acme' in 'shoes'", suggestion.Adjustments.MarketLevelSource);
        Assert.Contains(suggestion.Explanation, line => line.StartsWith("Market level: 'Acme' in 'shoes' sold 1 time(s), level (their geometric mean 400.00 trusted 50", StringComparison.Ordinal));
    }

    [Fact]
    public void WithoutBrandHistoryTheMarketLevelIsTheCategoryMedian()
    {
        var fixture = new EngineFixture();
        fixture.Options.MarketLevelWeight = 1.0;
        fixture.AddSale("a", 100m, 1, 0.9);
        fixture.AddSale("b", 100m, 1, 0.9);
        fixture.AddSale("c", 100m, 1, 0.9);
        fixture.AddSale("d", 900m, 1, 0.1);
        fixture.AddSale("e", 900m, 1, 0.1);
        fixture.AddSale("f", 900m, 1, 0.1);
        fixture.AddSale("g", 900m, 1, 0.1);

        var suggestion = fixture.Engine().Calculate(EngineFixture.QueryFor(brand: "Unknown")).Suggestion!;

        Assert.Equal(900m, suggestion.Price);
        Assert.Equal("'shoes'", suggestion.Adjustments.MarketLevelSource);
    }

    [Fact]
    public void AdaptiveLookbackWidensUntilEnoughComparables()
    {
        var fixture = new EngineFixture();
        fixture.Options.MaxLookbackWindow = TimeSpan.FromDays(730);
        fixture.AddSale("a", 100m, 400, 0.9);
        fixture.AddSale("b", 100m, 500, 0.9);
        fixture.AddSale("c", 100m, 600, 0.9);

        var suggestion = fixture.Engine().Calculate(EngineFixture.QueryFor()).Suggestion!;

        Assert.Equal(3, suggestion.Comparables.Count);
        Assert.Equal(FallbackKinds.WidenedWindow, suggestion.Fallback!.Kind);
        Assert.Contains("widened to 720 days", suggestion.Fallback.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TheSeasonalIndexOfABacktestSeesOnlyEarlierSales()
    {
        var fixture = new EngineFixture();
        fixture.AddSale("a", 100m, 100, 0.9);
        fixture.AddSale("b", 100m, 100, 0.9);
        fixture.AddSale("c", 100m, 100, 0.9);
        // Sold after the cutoff: a seasonal index computed from every sale would see these very dear Q1 sales.
        for (var i = 0; i < 30; i++)
        {
            fixture.AddSale("later-" + i, 1000m, 0, 0.1);
        }

        var query = EngineFixture.QueryFor() with { CandidatesUntil = EngineFixture.Today.AddDays(-50) };
        var suggestion = fixture.Engine().Calculate(query).Suggestion!;

        Assert.Equal(1.0, suggestion.Adjustments.Seasonal, 4);
        Assert.Equal(100m, suggestion.Price);
    }

    [Fact]
    public void ACalibratedRangeReplacesTheComparablesQuantilesAndNamesItsSource()
    {
        var fixture = new EngineFixture();
        fixture.AddSale("a", 100m, 1, 0.9);
        fixture.AddSale("b", 100m, 1, 0.9);
        fixture.AddSale("c", 100m, 1, 0.9);
        var residuals = Enumerable.Range(0, 100).Select(i => (Confidence: 0.5, LogError: Math.Log(0.5 + i / 100.0))).ToArray();
        var calibrations = new RangeCalibrations();
        calibrations.Set(EngineFixture.Tenant, "EUR", RangeCalibration.Fit(residuals, 0.8)!);
        var engine = new VisualSimilarityPricingEngine(fixture.Index, Microsoft.Extensions.Options.Options.Create(fixture.Options), fixture.Time, calibrations);

        var suggestion = engine.Calculate(EngineFixture.QueryFor()).Suggestion!;

        Assert.Equal(100m, suggestion.Price);
        Assert.InRange(suggestion.Range.Low, 49m, 51m);
        Assert.InRange(suggestion.Range.High, 128m, 131m);
        Assert.Contains(suggestion.Explanation, line => line.Contains("of this tenant's sold prices fell around earlier suggestions", StringComparison.Ordinal));
    }
}
