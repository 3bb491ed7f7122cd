using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Portal.Core.Pricing;
using Portal.Core.Pricing.Similarity;
using PricePage = Portal.Web.Components.Pages.Price.Price;

namespace Portal.Web.Tests.Components.Price;

/// <summary>The workbench while the index still loads at start: a banner with the count, and prices marked, until it is done.</summary>
public sealed class WarmingBannerTests : PriceWorkbenchContext
{
    private readonly IndexLoadProgress _progress = new();

    public WarmingBannerTests() => Services.AddSingleton(_progress);

    private IRenderedComponent<PricePage> RenderPage()
    {
        Render<MudPopoverProvider>();
        return Render<PricePage>();
    }

    private static string? Banner(IRenderedComponent<PricePage> cut) =>
        cut.FindAll("[data-testid='warming-banner']").SingleOrDefault()?.TextContent;

    private async Task<IndexWarming?> PriceWarmingAsync()
    {
        var outcome = await Services.GetRequiredService<PricingService>().PriceAsync(new PriceItemRequest
        {
            Tenant = Tenant,
            Images = [TestImages.Jpeg()],
            Category = "shoes",
            Condition = "very_good",
            PricingDate = Now,
        }, CancellationToken.None);
        return Assert.IsType<PriceItemOutcome.Priced>(outcome).Suggestion.Warming;
    }

    [Fact]
    public async Task ShowsTheLoadedCountWhileWarmingAndDisappearsOnceTheIndexHasLoaded()
    {
        _progress.Started(1_000_000);
        _progress.Added(412_000);

        var cut = RenderPage();

        Assert.Contains("Warming up: 412,000 of 1,000,000 sales loaded — comparables may be missing.", Banner(cut));
        Assert.Equal(new IndexWarming(412_000, 1_000_000), await PriceWarmingAsync());
        Assert.Equal(41.2, (await PriceWarmingAsync())!.PercentLoaded);

        _progress.Added(100_000);
        Time.Advance(TimeSpan.FromSeconds(1));
        cut.WaitForAssertion(() => Assert.Contains("512,000 of 1,000,000", Banner(cut)));

        _progress.Completed();
        Time.Advance(TimeSpan.FromSeconds(1));
        cut.WaitForAssertion(() => Assert.Null(Banner(cut)));
        Assert.Null(await PriceWarmingAsync());
    }

    [Fact]
    public void WithoutAnEstimateShowsTheCountSoFar()
    {
        _progress.Started(null);
        _progress.Added(1_234);

        var cut = RenderPage();

        Assert.Contains("Warming up: 1,234 sales loaded so far", Banner(cut));
    }
}
