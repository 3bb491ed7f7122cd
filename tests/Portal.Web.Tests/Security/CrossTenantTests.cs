using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Pricing.Decisions;
using Portal.Core.Sales;
using Portal.Web.Identity;
using Portal.Web.Tests.Fakes;

namespace Portal.Web.Tests.Security;

/// <summary>
/// Tenant isolation through the real host: a second portal on the seeded demo data directory whose default development
/// user belongs to tenant "other". Demo sales, images, decisions and sale pages must never be readable; the same
/// requests as a demo user (cookie) are the positive control that proves the data is there.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class CrossTenantTests(PortalFactory seeded) : IAsyncLifetime
{
    private const string DemoAnalyst = "analyst@example.com";
    private readonly InMemoryPricingDecisionStore _decisions = new();
    private WebApplicationFactory<Program> _other = null!;
    private SaleRecord _demoSale = null!;

    public async Task InitializeAsync()
    {
        _demoSale = (await seeded.Services.GetRequiredService<ISalesStore>()
            .QuerySalesAsync(new SalesQuery { Tenant = new TenantId("demo"), Limit = 50 }, CancellationToken.None))
            .First(s => s.ImageKey is not null);
        await _decisions.SaveAsync(InMemoryPricingDecisionStore.Decision("demo", "demo-decision-1", _demoSale.ProductId, 123.45m, 120m, _demoSale.SoldAt.AddDays(-1)) with { Title = "Secret demo decision" }, default);
        await _decisions.SaveAsync(InMemoryPricingDecisionStore.Decision("other", "other-decision-1", null, 10m, 10m, _demoSale.SoldAt) with { Title = "Other tenant decision" }, default);

        _other = seeded.WithWebHostBuilder(builder =>
        {
            // Same data directory as the seeded host; no seeding here. The default (first) user is now tenant "other".
            builder.UseSetting("Portal:SeedDemoData", "false");
            builder.UseSetting("DevelopmentIdentity:Users:0:Tenant", "other");
            builder.ConfigureTestServices(services => services.AddSingleton<IPricingDecisionStore>(_decisions));
        });
    }

    public Task DisposeAsync() => _other.DisposeAsync().AsTask();

    private HttpClient Client(string? asUser = null)
    {
        var client = _other.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (asUser is not null)
        {
            client.DefaultRequestHeaders.Add("Cookie", $"{DevelopmentAuthenticationHandler.CookieName}={asUser}");
        }

        return client;
    }

    [Fact]
    public async Task AnotherTenantNeverSeesADemoSaleDetailPage()
    {
        using var other = Client();
        var response = await other.GetAsync($"/sales/{_demoSale.SaleId}");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain(_demoSale.ProductId, html);
        Assert.Contains("other", html); // the tenant chip: the request really was tenant "other"

        using var demo = Client(DemoAnalyst);
        var control = await demo.GetAsync($"/sales/{_demoSale.SaleId}");
        Assert.Equal(HttpStatusCode.OK, control.StatusCode);
        Assert.Contains(_demoSale.ProductId, await control.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AnotherTenantNeverGetsADemoImage()
    {
        using var other = Client();
        var response = await other.GetAsync("/images/" + _demoSale.ImageKey);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.NotEqual("image/jpeg", response.Content.Headers.ContentType?.MediaType);

        using var demo = Client(DemoAnalyst);
        Assert.Equal(HttpStatusCode.OK, (await demo.GetAsync("/images/" + _demoSale.ImageKey)).StatusCode);
    }

    [Fact]
    public async Task AnotherTenantNeverSeesDemoDecisions()
    {
        using var other = Client();
        var html = await other.GetStringAsync("/history");

        Assert.DoesNotContain("Secret demo decision", html);
        Assert.DoesNotContain("123.45", html);
        Assert.Contains("Other tenant decision", html);
        Assert.All(_decisions.Queries, q => Assert.NotEqual("demo", q.Tenant.Value));
    }

    [Fact]
    public async Task AnotherTenantsSalesExplorerShowsNoDemoSales()
    {
        using var other = Client();
        var response = await other.GetAsync("/sales");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(_demoSale.SaleId, html);
        Assert.DoesNotContain("/images/demo/", html);
    }

    [Fact]
    public async Task TheDevelopmentSignInSwitchesUsersByCookie()
    {
        using var client = Client();
        var switched = await client.GetAsync("/account/dev-login/switch?user=manager%40example.com&returnUrl=%2Fsales");

        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        Assert.Equal("/sales", switched.Headers.Location!.OriginalString);
        Assert.Contains(switched.Headers.GetValues("Set-Cookie"), c => c.StartsWith($"{DevelopmentAuthenticationHandler.CookieName}=manager%40example.com", StringComparison.Ordinal));

        var unknown = await client.GetAsync("/account/dev-login/switch?user=nobody%40example.com");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);

        var offsite = await client.GetAsync("/account/dev-login/switch?user=manager%40example.com&returnUrl=https%3A%2F%2Fevil.example");
        Assert.Equal("/", offsite.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task AnOpsUserIsSentToTheAccessDeniedPageForHistory()
    {
        using var ops = Client("ops@example.com");

        var response = await ops.GetAsync("/history");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/access-denied", response.Headers.Location!.OriginalString);
        Assert.Contains("Access denied", await ops.GetStringAsync("/account/access-denied"));
    }
}
