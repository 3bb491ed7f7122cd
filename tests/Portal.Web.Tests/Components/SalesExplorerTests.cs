using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Portal.Core.Images;
using Portal.Core.Sales;
using Portal.Web.Components.Pages.Sales;
using Portal.Web.Identity;
using Portal.Web.Tests.Fakes;

namespace Portal.Web.Tests.Components;

public sealed class SalesExplorerTests : PortalComponentTest
{
    private static readonly DateTimeOffset Day = new(2026, 2, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly RecordingSalesStore _sales = new();

    public SalesExplorerTests()
    {
        Services.AddSingleton<ISalesStore>(_sales);
        Services.AddSingleton<IImageStore>(new FakeImageStore());
        SignIn("demo", PortalRoles.Analyst);
        _sales.Sales.Add(RecordingSalesStore.Sale("demo", "s1", "p1", 80m, Day, brand: "nike"));
        _sales.Sales.Add(RecordingSalesStore.Sale("demo", "s2", "p2", 20m, Day.AddDays(1), brand: "adidas"));
        _sales.Sales.Add(RecordingSalesStore.Sale("other", "s3", "p3", 30m, Day, brand: "nike"));
    }

    [Fact]
    public void ListsOnlyTheTenantsSalesWithLinksToTheirDetail()
    {
        var page = Render<SalesExplorer>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=sale-link]").Count));
        Assert.Contains(page.FindAll("[data-testid=sale-link]"), a => a.GetAttribute("href") == "/sales/s1");
        Assert.DoesNotContain("Sold s3", page.Markup);
        Assert.All(_sales.Queries, q => Assert.Equal("demo", q.Tenant.Value));
    }

    [Fact]
    public void FiltersBecomeTheStoreQuery()
    {
        var page = Render<SalesExplorer>();
        page.WaitForAssertion(() => Assert.NotEmpty(_sales.Queries));

        var brand = page.FindComponents<MudTextField<string>>().First(f => f.Instance.Label == "Brand");
        var min = page.FindComponents<MudNumericField<decimal?>>().First(f => f.Instance.Label == "Min price");
        var max = page.FindComponents<MudNumericField<decimal?>>().First(f => f.Instance.Label == "Max price");
        var condition = page.FindComponent<MudSelect<ItemCondition?>>();
        page.InvokeAsync(() => brand.Instance.ValueChanged.InvokeAsync("nike"));
        page.InvokeAsync(() => min.Instance.ValueChanged.InvokeAsync(50m));
        page.InvokeAsync(() => max.Instance.ValueChanged.InvokeAsync(100m));
        page.InvokeAsync(() => condition.Instance.ValueChanged.InvokeAsync(ItemCondition.Good));
        page.Find("[data-testid=sales-apply] ").Click();

        page.WaitForAssertion(() =>
        {
            var query = _sales.Queries[^1];
            Assert.Equal("nike", query.Brand);
            Assert.Equal(50m, query.MinPrice);
            Assert.Equal(100m, query.MaxPrice);
            Assert.Equal(ItemCondition.Good, query.Condition);
            Assert.Equal("demo", query.Tenant.Value);
        });
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=sale-link]")));
    }

    [Fact]
    public void MapsGridPagesAndSortColumnsToTheQuery()
    {
        var filter = new SalesFilter { Category = " shoes ", SoldFrom = new DateTime(2026, 1, 1), SoldTo = new DateTime(2026, 1, 31) };

        var query = filter.ToQuery(new TenantId("demo"), page: 2, pageSize: 25, sortColumn: nameof(SaleRecord.SoldPrice), descending: false);

        Assert.Equal("shoes", query.Category);
        Assert.Equal(SalesSort.Price, query.SortBy);
        Assert.False(query.Descending);
        Assert.Equal(50, query.Offset);
        Assert.Equal(25, query.Limit);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), query.SoldFrom);
        Assert.Equal(new DateTimeOffset(2026, 1, 31, 23, 59, 59, TimeSpan.Zero).AddTicks(9_999_999), query.SoldTo);
        Assert.Equal(SalesSort.SoldAt, SalesFilter.SortFor("Title; DROP TABLE sales"));
        Assert.True(filter.ToQuery(new TenantId("demo"), 0, 10, null, false).Descending);
    }
}
