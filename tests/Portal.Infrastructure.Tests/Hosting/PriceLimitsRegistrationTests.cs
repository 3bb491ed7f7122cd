using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Portal.Core.Sales;
using Portal.Infrastructure.Hosting;
using Portal.Infrastructure.Tests.Storage;

namespace Portal.Infrastructure.Tests.Hosting;

public sealed class PriceLimitsRegistrationTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private IHost Build(params (string Key, string Value)[] settings) => Hosting.InfrastructureTestHost.Build(_folder.Path, settings);

    [Fact]
    public void ConfiguredCurrenciesAddToTheDefaultsAndTheDefaultMaximumIsSet()
    {
        using var host = Build(
            ("Pricing:PriceLimits:DefaultMaximum", "20000000"),
            ("Pricing:PriceLimits:MaximumByCurrency:CHF", "5000000"),
            ("Pricing:PriceLimits:MaximumByCurrency:JPY", "3000000000"));

        var limits = host.Services.GetRequiredService<IOptions<PriceLimits>>().Value;

        Assert.Equal(20_000_000m, limits.MaximumFor("EUR"));
        Assert.Equal(5_000_000m, limits.MaximumFor("CHF"));
        Assert.Equal(3_000_000_000m, limits.MaximumFor("JPY"));
        Assert.Equal(20_000_000_000m, limits.MaximumFor("KRW"));
        Assert.Equal(0.01m, limits.Minimum);
    }

    [Theory]
    [InlineData("Pricing:PriceLimits:Minimum", "0")]
    [InlineData("Pricing:PriceLimits:DefaultMaximum", "0.001")]
    [InlineData("Pricing:PriceLimits:DefaultMaximum", "1000000000000")]
    [InlineData("Pricing:PriceLimits:MaximumByCurrency:euro", "100")]
    public async Task BadLimitsStopTheHostAtStartWithTheKeyNamed(string key, string value)
    {
        using var host = Build((key, value));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(error.Failures, f => f.Contains(key, StringComparison.Ordinal));
    }
}
