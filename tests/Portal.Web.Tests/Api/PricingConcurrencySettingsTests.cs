using Portal.Web.Tests.Security;

namespace Portal.Web.Tests.Api;

/// <summary>A limit on photo work that could not work stops the host at start, naming the setting.</summary>
public sealed class PricingConcurrencySettingsTests
{
    [Theory]
    [InlineData("PermitLimit", "0")]
    [InlineData("QueueLimit", "-1")]
    [InlineData("QueueTimeout", "00:00:00")]
    [InlineData("RetryAfter", "00:00:00.500")]
    public async Task ABadConcurrencySettingStopsTheHostNamingIt(string setting, string value)
    {
        await using var factory = new ConfiguredPortalFactory("Development", new Dictionary<string, string?> { ["Pricing:Concurrency:" + setting] = value });

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains(setting, error.ToString(), StringComparison.Ordinal);
    }
}
