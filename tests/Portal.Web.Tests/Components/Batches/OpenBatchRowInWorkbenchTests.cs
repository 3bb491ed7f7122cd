using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Portal.Core.Images;
using Portal.Core.Pricing.Batches;
using Portal.Core.Sales;
using Portal.Infrastructure.Embedded.Sqlite;
using Portal.Web.Tests.Components.Price;
using PricePage = Portal.Web.Components.Pages.Price.Price;

namespace Portal.Web.Tests.Components.Batches;

/// <summary>"Open in workbench" from a batch row: the workbench starts with the row's photo and fields.</summary>
public sealed class OpenBatchRowInWorkbenchTests : PriceWorkbenchContext
{
    private readonly BatchStoreFolder _folder = new();

    public OpenBatchRowInWorkbenchTests()
    {
        // Created and disposed by the container, so the base class's own disposal (its stores, its folder) stays as it is.
        Services.AddSingleton(_ => _folder);
        Services.AddSingleton<IPricingBatchStore>(sp => sp.GetRequiredService<BatchStoreFolder>().Store);
    }

    private SqlitePricingBatchStore Store => _folder.Store;

    private async Task<IRenderedComponent<PricePage>> OpenAsync(TenantId owner, string url)
    {
        var key = await Services.GetRequiredService<IImageStore>().SaveAsync(owner.Value, TestImages.Jpeg(), "image/jpeg", default);
        await Store.CreateAsync(new PricingBatch
        {
            BatchId = "b1", Tenant = owner, CreatedBy = "ana@example.com", CreatedAt = Now, Name = "items.csv", Status = BatchStatus.Completed, TotalRows = 1,
        }, [new BatchRow { Line = 2, ImageName = "boots.jpg", ImageKey = key, Category = "shoes", Condition = "good", Brand = "acme", Title = "Boots", Status = BatchRowStatus.Pending }], default);
        Services.GetRequiredService<NavigationManager>().NavigateTo(url);
        Render<MudPopoverProvider>();
        return Render<PricePage>();
    }

    [Fact]
    public async Task StartsWithTheRowsPhotoAndFields()
    {
        var page = await OpenAsync(Tenant, "/price?batch=b1&line=2");

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid='photo-preview']")));
        Assert.False(page.Find("[data-testid=suggest]").HasAttribute("disabled"));
    }

    [Fact]
    public async Task AnotherTenantsRowLeavesTheWorkbenchEmpty()
    {
        var page = await OpenAsync(new TenantId("other"), "/price?batch=b1&line=2");

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=empty-result]")));
        Assert.Empty(page.FindAll("[data-testid='photo-preview']"));
    }

    /// <summary>The batch store's own temporary folder, deleted when the container disposes it.</summary>
    private sealed class BatchStoreFolder : IDisposable
    {
        private readonly string _path = Directory.CreateTempSubdirectory("portal-batch-open-").FullName;

        public BatchStoreFolder() => Store = new SqlitePricingBatchStore(Path.Combine(_path, "sales.db"));

        public SqlitePricingBatchStore Store { get; }

        public void Dispose()
        {
            Store.Dispose();
            DemoPortal.DeleteDataDirectory(_path);
        }
    }
}
