using Bunit;
using Microsoft.JSInterop;
using Portal.Core.Pricing.Engine;
using Portal.Web.Components.Charts;

namespace Portal.Web.Tests.Components;

public sealed class ApexChartTests : PortalComponentTestBase
{
    private readonly BunitJSModuleInterop _module;

    public ApexChartTests()
    {
        _module = JSInterop.SetupModule("./js/apexchart.js");
        _module.Setup<int>("render", _ => true).SetResult(7);
        _module.Setup<bool>("update", _ => true).SetResult(true);
    }

    [Fact]
    public async Task RendersWithCamelCaseOptionsWithoutNullsAndDestroysOnDispose()
    {
        var cut = Render<ApexChart>(p => p
            .Add(c => c.Options, new ChartOptions(new ChartPart("bar", null), [new Series("Sales", [1, 2])]))
            .Add(c => c.Height, "240px")
            .Add(c => c.TestId, "chart"));

        var render = _module.VerifyInvoke("render");
        Assert.Equal("""{"chart":{"type":"bar"},"series":[{"name":"Sales","data":[1,2]}]}""", render.Arguments[1]);
        Assert.Equal("240px", cut.Find("[data-testid=chart]").GetAttribute("data-height"));

        await DisposeComponentsAsync();

        Assert.Equal(7, _module.VerifyInvoke("destroy").Arguments[0]);
    }

    [Fact]
    public void UpdatesTheChartOnlyWhenTheOptionsChange()
    {
        var cut = Render<ApexChart>(p => p.Add(c => c.Options, new { series = new[] { 1 } }));
        _module.VerifyInvoke("render");

        cut.Render(p => p.Add(c => c.Options, new { series = new[] { 1 } }));
        _module.VerifyNotInvoke("update");

        cut.Render(p => p.Add(c => c.Options, new { series = new[] { 1, 2 } }));
        var update = _module.VerifyInvoke("update");
        Assert.Equal(7, update.Arguments[0]);
        Assert.Equal("""{"series":[1,2]}""", update.Arguments[1]);
        _module.VerifyInvoke("render", calledTimes: 1);
    }

    [Fact]
    public async Task DisposingAfterTheCircuitIsGoneDoesNotThrow()
    {
        _module.SetupVoid("destroy", _ => true).SetException(new JSDisconnectedException("circuit gone"));
        Render<ApexChart>(p => p.Add(c => c.Options, new { series = new[] { 1 } }));

        await DisposeComponentsAsync();

        _module.VerifyInvoke("destroy");
    }

    [Fact]
    public void WaterfallStepsGoFromTheBaseThroughEachFactorToThePrice()
    {
        var suggestion = Suggestion(basePrice: 100m, seasonal: 1.1, condition: 0.8, quality: 0.95, price: 83.6m);

        var steps = WaterfallSteps.From(suggestion);

        Assert.Equal(["Comparables' base", "Seasonal (Q3)", "Condition (good)", "Photo quality", "Suggested price"], steps.Select(s => s.Label));
        Assert.Equal([0, 100, 110, 88, 0], steps.Select(s => Math.Round(s.From, 6)));
        Assert.Equal([100, 110, 88, 83.6, 83.6], steps.Select(s => Math.Round(s.To, 6)));
    }

    [Fact]
    public void TheMarketLevelIsItsOwnWaterfallStepBeforeThePrice()
    {
        var suggestion = Suggestion(basePrice: 100m, seasonal: 1.0, condition: 1.0, quality: 1.0, price: 150m);
        suggestion = suggestion with { Adjustments = suggestion.Adjustments with { MarketLevel = 1.5, MarketLevelSource = "'Acme' in 'shoes'" } };

        var steps = WaterfallSteps.From(suggestion);

        Assert.Equal("Market level ('Acme' in 'shoes')", steps[^2].Label);
        Assert.Equal(100, steps[^2].From, 6);
        Assert.Equal(150, steps[^2].To, 6);
        Assert.Equal(1.5, steps[^2].Factor);
    }

    [Fact]
    public void ComparableSimilarityIsSplitIntoPhotoBrandAndTitle()
    {
        var comparable = new Comparable
        {
            SaleId = "s", ProductId = "p", SoldAt = DateTimeOffset.UnixEpoch, SoldPrice = 1, AdjustedPrice = 1,
            Similarity = 1.78, ImageSimilarity = 0.72, BrandMatch = true, TitleSimilarity = 0.3, RecencyWeight = 1, Weight = 1,
        };

        Assert.Equal("photo 0.72 · same brand · title 0.30", Portal.Web.Components.Pages.Price.SimilarityParts.Describe(comparable));
        Assert.Equal("photo 0.72", Portal.Web.Components.Pages.Price.SimilarityParts.Describe(comparable with { BrandMatch = false, TitleSimilarity = 0 }));
    }

    [Fact]
    public void WaterfallRendersARangeBarWithOneBarPerStep()
    {
        var cut = Render<AdjustmentsWaterfall>(p => p.Add(c => c.Suggestion, Suggestion(100m, 1.1, 0.8, 0.95, 83.6m)));

        Assert.NotNull(cut.Find("[data-testid=waterfall]"));
        var json = (string)_module.VerifyInvoke("render").Arguments[1]!;
        Assert.Contains("\"type\":\"rangeBar\"", json, StringComparison.Ordinal);
        Assert.Contains("""{"x":"Seasonal (Q3)","y":[100,110],"fillColor":"#43A047"}""", json, StringComparison.Ordinal);
        Assert.Contains("""{"x":"Condition (good)","y":[88,110],"fillColor":"#E53935"}""", json, StringComparison.Ordinal);
        Assert.Contains("""{"x":"Suggested price","y":[0,83.6],"fillColor":"#1E88E5"}""", json, StringComparison.Ordinal);
    }

    private static PricingSuggestion Suggestion(decimal basePrice, double seasonal, double condition, double quality, decimal price) => new()
    {
        Price = price,
        Currency = "SGD",
        Range = new PriceRange(price * 0.9m, price * 1.1m),
        Confidence = 0.7,
        ConfidenceComponents = new ConfidenceComponents(1, 0.8, 0.7, 0.9, null),
        Verdict = new Verdict(VerdictLevel.Strong, "Strong match: 3 close look-alikes sold in the last 30 days"),
        Comparables = [],
        Adjustments = new Adjustments
        {
            BasePrice = basePrice,
            Seasonal = seasonal,
            Condition = condition,
            Quality = quality,
            TargetSeason = "Q3",
            TargetCondition = "good",
            Estimator = "weighted median",
        },
        Explanation = [],
        Timings = new PhaseTimings(0, 0, 0, 0, 0, 0),
        EmbeddingModel = "resnet18-onnx-v1",
        PricingDate = new DateTimeOffset(2025, 7, 1, 0, 0, 0, TimeSpan.Zero),
    };

    private sealed record ChartOptions(ChartPart Chart, IReadOnlyList<Series> Series);

    private sealed record ChartPart(string Type, string? Height);

    private sealed record Series(string Name, IReadOnlyList<int> Data);
}
