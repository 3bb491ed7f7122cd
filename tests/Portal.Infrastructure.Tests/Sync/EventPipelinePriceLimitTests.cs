using Portal.Core.Sales;
using Portal.Core.Sync;

namespace Portal.Infrastructure.Tests.Sync;

/// <summary>The pipeline holds event prices to the configured limits it was given, not to a built-in constant.</summary>
public sealed class EventPipelinePriceLimitTests
{
    [Fact]
    public async Task AcceptsTwoMillionEurosAndRejectsAPriceOverTheConfiguredLimitNamingIt()
    {
        using var sync = new SyncHarness(TimeProvider.System, priceLimits: new PriceLimits { DefaultMaximum = 5_000_000m });
        var now = DateTimeOffset.UtcNow.AddMinutes(-1);

        await sync.SubmitAsync(Events.Batch(Events.Listed("house-1", now, askingPrice: 2_000_000m), Events.Listed("house-2", now, askingPrice: 2_000_000m)));

        var accepted = await sync.SubmitAsync(Events.Sold("house-1", now, price: 2_000_000m));
        var rejected = await sync.SubmitAsync(Events.Sold("house-2", now, price: 6_000_000m));

        Assert.Equal(EventOutcomeStatus.Accepted, Assert.Single(accepted.Outcomes).Status);
        var outcome = Assert.Single(rejected.Outcomes);
        Assert.Equal(EventOutcomeStatus.Rejected, outcome.Status);
        var reason = Assert.Single(outcome.Reasons);
        Assert.Equal("detail.soldPrice", reason.Path);
        Assert.Equal("Price 6,000,000 EUR is above the limit for EUR, 5,000,000 (Pricing:PriceLimits:DefaultMaximum).", reason.Message);
        Assert.Equal(1, await sync.StoreCountAsync());
    }
}
