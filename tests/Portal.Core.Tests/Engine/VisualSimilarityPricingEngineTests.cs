using Portal.Core.Images;
using Portal.Core.Pricing.Engine;
using Portal.Core.Sales;

namespace Portal.Core.Tests.Engine;

public sealed class VisualSimilarityPricingEngineTests
{
    // Three comparables: similarity 0.9 / 0.8 / 0.7, sold 0 / 30 / 60 days ago (recency 1, 0.5, 0.25 at a 30-day half-life),
    // prices 100 / 200 / 300, all in Q1 like the pricing date and all very_good like the target.
    // Raw weights 0.9, 0.4, 0.175 → sum 1.475.
    private static EngineFixture ThreeComparables(PriceEstimator estimator)
    {
        var fixture = new EngineFixture();
        fixture.Options.Estimator = estimator;
        fixture.AddSale("a", 100m, 0, 0.9);
        fixture.AddSale("b", 200m, 30, 0.8);
        fixture.AddSale("c", 300m, 60, 0.7);
        return fixture;
    }

    [Fact]
    public void WeightedMeanOfThreeComparablesMatchesHandComputation()
    {
        var suggestion = ThreeComparables(PriceEstimator.WeightedMean).Engine().Calculate(EngineFixture.QueryFor()).Suggestion!;

        // (100·0.9 + 200·0.4 + 300·0.175) / 1.475 = 222.5 / 1.475 = 150.847…
        // (similarities are float32, so weights match to about 7 digits)
        Assert.Equal(150.85m, suggestion.Price);
        Assert.Null(suggestion.Fallback);
        Assert.Equal(["a", "b", "c"], suggestion.Comparables.Select(c => c.SaleId));
        Assert.Equal(0.9 / 1.475, suggestion.Comparables[0].Weight, 6);
        Assert.Equal(0.4 / 1.475, suggestion.Comparables[1].Weight, 6);
        Assert.Equal(0.175 / 1.475, suggestion.Comparables[2].Weight, 6);
        Assert.Equal(1.0, suggestion.Comparables[0].RecencyWeight, 4);
        Assert.Equal(0.5, suggestion.Comparables[1].RecencyWeight, 4);
        Assert.Equal(0.25, suggestion.Comparables[2].RecencyWeight, 4);
        Assert.Equal(0.9, suggestion.Comparables[0].Similarity, 4);
    }

    [Fact]
    public void AComparableCarriesItsSalesImageKeyAndLeavesTheUrlToTheService()
    {
        var fixture = new EngineFixture();
        foreach (var (id, similarity) in new[] { ("a", 0.9), ("b", 0.8), ("c", 0.7) })
        {
            fixture.AddSale(id, 100m, 0, similarity, imageKey: $"acme/{id}.jpg");
        }

        var suggestion = fixture.Engine().Calculate(EngineFixture.QueryFor()).Suggestion!;

        Assert.All(suggestion.Comparables, c => Assert.Equal($"acme/{c.SaleId}.jpg", c.ImageKey));
        Assert.All(suggestion.Comparables, c => Assert.Null(c.ImageUrl));
    }

    [Fact]
    public void WeightedGeometricMeanIsNamedAndLiesBetweenTheMedianAndTheMean()
    {
        var geometric = ThreeComparables(PriceEstimator.WeightedGeometricMean).Engine().Calculate(EngineFixture.QueryFor()).Suggestion!;
        var mean = ThreeComparables(PriceEstimator.WeightedMean).Engine().Calculate(EngineFixture.QueryFor()).Suggestion!;

        // exp((0.9 ln 100 + 0.4 ln 200 + 0.175 ln 300) / 1.475)
        var expected = Math.Exp((0.9 * Math.Log(100) + 0.4 * Math.Log(200) + 0.175 * Math.Log(300)) / 1.475);
        Assert.Equal(Math.Round((decimal)expected, 2), geometric.Price);
        Assert.True(geometric.Price < mean.Price);
        Assert.Equal("weighted geometric mean", geometric.Adjustments.Estimator);
    }

    [Fact]
    public void WeightedMedianInterpolatesBetweenWeightMidpoints()
    {
        var suggestion = ThreeComparables(PriceEstimator.WeightedMedian).Engine().Calculate(EngineFixture.QueryFor()).Suggestion!;

        // Sorted by price with weights w = (0.9, 0.4, 0.175)/1.475; midpoints p1 = w1/2, p2 = w1 + w2/2.
        var w1 = 0.9 / 1.475;
        var w2 = 0.4 / 1.475;
        var p1 = w1 / 2;
        var p2 = w1 + w2 / 2;
        var expected = 100 + (0.5 - p1) / (p2 - p1) * 100;
        Assert.Equal(Math.Round((decimal)expected, 2), suggestion.Price);
    }

    [Fact]
    public void WeightsSumToOneAndPriceLiesWithinAdjustedComparables()
    {
        var fixture = new EngineFixture();
        var random = new Random(7);
        for (var i = 0; i < 25; i++)
        {
            fixture.AddSale($"s{i:00}", 20 + random.Next(0, 400), random.Next(0, 85), 0.55 + random.NextDouble() * 0.44,
                (ItemCondition)random.Next(0, 6), axis: 1 + random.Next(0, 7));
        }

        foreach (var estimator in Enum.GetValues<PriceEstimator>())
        {
            fixture.Options.Estimator = estimator;
            var suggestion = fixture.Engine().Calculate(EngineFixture.QueryFor(condition: ItemCondition.Good)).Suggestion!;
            Assert.Equal(1.0, suggestion.Comparables.Sum(c => c.Weight), 9);
            Assert.InRange(suggestion.Price, suggestion.Comparables.Min(c => c.AdjustedPrice), suggestion.Comparables.Max(c => c.AdjustedPrice));
            Assert.InRange(suggestion.Price, suggestion.Range.Low, suggestion.Range.High);
            Assert.InRange(suggestion.Confidence, 0, 1);
            Assert.Equal(10, suggestion.Comparables.Count);
        }
    }

    [Fact]
    public void ConfidenceDoesNotFallWhenAGoodComparableIsAdded()
    {
        var fixture = new EngineFixture();
        fixture.AddSale("a", 100m, 10, 0.75);
        fixture.AddSale("b", 120m, 20, 0.7);
        fixture.AddSale("c", 90m, 40, 0.65);
        var before = fixture.Engine().Calculate(EngineFixture.QueryFor()).Suggestion!;

        // A near-identical item that sold today at the suggested price.
        fixture.AddSale("d", before.Price, 0, 0.97);
        var after = fixture.Engine().Calculate(EngineFixture.QueryFor()).Suggestion!;

        Assert.True(after.Confidence >= before.Confidence, $"{after.Confidence} < {before.Confidence}");
        Assert.True(after.ConfidenceComponents.Similarity > before.ConfidenceComponents.Similarity);
        Assert.True(after.ConfidenceComponents.Count > before.ConfidenceComponents.Count);
    }

    [Fact]
    public void ConditionLadderNormalisesEachComparableToTheTargetCondition()
    {
        var fixture = new EngineFixture();
        fixture.Options.Estimator = PriceEstimator.WeightedMean;
        fixture.AddSale("a", 100m, 0, 0.9, ItemCondition.NewWithTags);
        fixture.AddSale("b", 100m, 0, 0.9, ItemCondition.NewWithTags);
        fixture.AddSale("c", 100m, 0, 0.9, ItemCondition.NewWithTags);

        var suggestion = fixture.Engine().Calculate(EngineFixture.QueryFor(condition: ItemCondition.Good)).Suggestion!;

        // good / new_with_tags = 0.60 / 1.00 on the default ladder.
        Assert.Equal(60m, suggestion.Price);
        Assert.Equal(0.6, suggestion.Adjustments.Condition, 4);
        Assert.All(suggestion.Comparables, c => Assert.Equal(60m, c.AdjustedPrice));
    }

    [Fact]
    public void UnknownComparableConditionIsNotNormalised()
    {
        var fixture = new EngineFixture();
        fixture.AddSale("a", 100m, 0, 0.9, condition: null);
        fixture.AddSale("b", 100m, 0, 0.9, condition: null);
        fixture.AddSale("c", 100m, 0, 0.9, condition: null);

        var suggestion = fixture.Engine().Calculate(EngineFixture.QueryFor(condition: ItemCondition.Poor)).Suggestion!;

        Assert.Equal(100m, suggestion.Price);
        Assert.Equal(1.0, suggestion.Adjustments.Condition, 4);
    }

    [Fact]
    public void QualityMultiplierScalesTheFinalPrice()
    {
        var fixture = ThreeComparables(PriceEstimator.WeightedMean);
        var query = EngineFixture.QueryFor() with { Quality = new QualityAssessment(0.4, 0.9, ["blurry"], "test") };

        var suggestion = fixture.Engine().Calculate(query).Suggestion!;

        Assert.Equal(Math.Round(222.5m / 1.475m * 0.9m, 2), suggestion.Price);
        Assert.Equal(0.9, suggestion.Adjustments.Quality);
        Assert.Contains(suggestion.Explanation, line => line.Contains("blurry", StringComparison.Ordinal));
    }

    [Fact]
    public void SeasonalIndexMovesPricesSoldInACheaperQuarterUp()
    {
        var fixture = new EngineFixture();
        fixture.Options.SeasonalShrinkage = 0; // no shrinkage: the raw index
        fixture.Options.Estimator = PriceEstimator.WeightedMean;
        fixture.Options.LookbackWindow = TimeSpan.FromDays(400);
        // History without vectors: Q1 sells at 200, Q3 at 100.
        for (var i = 0; i < 4; i++)
        {
            fixture.AddSale($"q1-{i}", 200m, 5 + i, 0, withVector: false);
            fixture.AddSale($"q3-{i}", 100m, 200 + i, 0, withVector: false);
        }

        // Three comparables sold in Q3 (about 200 days before 31 March) at 100.
        fixture.AddSale("a", 100m, 200, 0.9);
        fixture.AddSale("b", 100m, 201, 0.9);
        fixture.AddSale("c", 100m, 202, 0.9);

        var suggestion = fixture.Engine().Calculate(EngineFixture.QueryFor()).Suggestion!;

        // 7 of the 11 sales sold at 100, so the overall median is 100: Q1 index 2.0, Q3 index 1.0;
        // the factor 2.0 is clamped to 1.5.
        Assert.Equal(150m, suggestion.Price);
        Assert.Equal(1.5, suggestion.Adjustments.Seasonal, 4);
        Assert.Equal("Q1", suggestion.Adjustments.TargetSeason);
    }

    [Fact]
    public void SimilarityBelowThresholdIsNotAComparable()
    {
        var fixture = new EngineFixture();
        fixture.AddSale("a", 100m, 0, 0.9);
        fixture.AddSale("b", 100m, 0, 0.9);
        fixture.AddSale("c", 100m, 0, 0.9);
        fixture.AddSale("far", 5000m, 0, 0.3);

        var suggestion = fixture.Engine().Calculate(EngineFixture.QueryFor()).Suggestion!;

        Assert.DoesNotContain(suggestion.Comparables, c => c.SaleId == "far");
        Assert.Equal(100m, suggestion.Price);
    }

    [Fact]
    public void ExcludedComparablesAreLeftOutAndTheRestRenormalised()
    {
        var fixture = ThreeComparables(PriceEstimator.WeightedMean);
        fixture.AddSale("d", 120m, 0, 0.85);

        var suggestion = fixture.Engine().Calculate(EngineFixture.QueryFor(exclude: new HashSet<string> { "a" })).Suggestion!;

        Assert.DoesNotContain(suggestion.Comparables, c => c.SaleId == "a");
        Assert.Equal(1.0, suggestion.Comparables.Sum(c => c.Weight), 9);
    }

    [Fact]
    public void SalesOlderThanTheLookbackWidenTheWindowWithACappedConfidence()
    {
        var fixture = new EngineFixture();
        fixture.AddSale("a", 100m, 120, 0.95);
        fixture.AddSale("b", 100m, 130, 0.95);
        fixture.AddSale("c", 100m, 140, 0.95);

        var suggestion = fixture.Engine().Calculate(EngineFixture.QueryFor()).Suggestion!;

        Assert.Equal(FallbackKinds.WidenedWindow, suggestion.Fallback!.Kind);
        Assert.True(suggestion.Confidence <= fixture.Options.WidenedWindowConfidenceCap);
        Assert.Equal(3, suggestion.Comparables.Count);
    }

    [Fact]
    public void TooFewSimilarSalesFallBackToTheBrandMedianThenTheCategoryMedian()
    {
        var fixture = new EngineFixture();
        fixture.AddSale("a", 100m, 10, 0.2, brand: "Acme");
        fixture.AddSale("b", 110m, 10, 0.2, brand: "Acme");
        fixture.AddSale("c", 120m, 10, 0.2, brand: "Acme");
        fixture.AddSale("d", 500m, 10, 0.2, brand: "Other");
        fixture.AddSale("e", 700m, 10, 0.2, brand: "Other");

        var byBrand = fixture.Engine().Calculate(EngineFixture.QueryFor(brand: "acme")).Suggestion!;
        Assert.Equal(FallbackKinds.BrandCategoryMedian, byBrand.Fallback!.Kind);
        Assert.Equal(110m, byBrand.Price);
        Assert.True(byBrand.Confidence <= fixture.Options.BrandMedianConfidenceCap);
        Assert.Empty(byBrand.Comparables);

        var byCategory = fixture.Engine().Calculate(EngineFixture.QueryFor(brand: "Unknown")).Suggestion!;
        Assert.Equal(FallbackKinds.CategoryMedian, byCategory.Fallback!.Kind);
        Assert.Equal(120m, byCategory.Price);
        Assert.True(byCategory.Confidence <= fixture.Options.CategoryMedianConfidenceCap);
    }

    [Fact]
    public void NoHistoryMeansCannotPriceRatherThanAnInventedNumber()
    {
        var fixture = new EngineFixture();
        fixture.AddSale("a", 100m, 10, 0.9, category: "bags");

        var result = fixture.Engine().Calculate(EngineFixture.QueryFor(category: "shoes"));

        Assert.False(result.IsPriced);
        Assert.Contains("shoes", result.CannotPriceReason);
    }

    [Fact]
    public void ThinHistoryWithoutSimilarItemsCannotBePriced()
    {
        var fixture = new EngineFixture();
        fixture.AddSale("a", 100m, 10, 0.1);

        var result = fixture.Engine().Calculate(EngineFixture.QueryFor());

        Assert.False(result.IsPriced);
    }

    [Fact]
    public void SameInputAndDataGiveTheSameSuggestion()
    {
        var fixture = ThreeComparables(PriceEstimator.WeightedMedian);
        var engine = fixture.Engine();

        var first = engine.Calculate(EngineFixture.QueryFor()).Suggestion!;
        var second = engine.Calculate(EngineFixture.QueryFor()).Suggestion!;

        Assert.Equal(first.Price, second.Price);
        Assert.Equal(first.Range, second.Range);
        Assert.Equal(first.Confidence, second.Confidence);
        Assert.Equal(first.Comparables.Select(c => c.SaleId), second.Comparables.Select(c => c.SaleId));
    }

    [Fact]
    public void VectorsOfAnotherModelAreNeverCompared()
    {
        var fixture = ThreeComparables(PriceEstimator.WeightedMean);
        var query = EngineFixture.QueryFor() with { EmbeddingModel = "another-model" };

        var suggestion = fixture.Engine().Calculate(query).Suggestion!;

        Assert.Empty(suggestion.Comparables);
        Assert.NotNull(suggestion.Fallback);
    }
}
