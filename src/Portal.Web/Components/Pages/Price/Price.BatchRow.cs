using Microsoft.AspNetCore.Components;
using Portal.Core.Images;
using Portal.Core.Pricing.Batches;
using Portal.Core.Sales;

namespace Portal.Web.Components.Pages.Price;

/// <summary>Opening a batch row in the workbench (<c>/price?batch={id}&amp;line={n}</c>): its photo and fields, ready to Suggest.</summary>
public partial class Price
{
    [SupplyParameterFromQuery(Name = "batch")]
    public string? FromBatch { get; set; }

    [SupplyParameterFromQuery(Name = "line")]
    public int? FromLine { get; set; }

    [Inject]
    private IServiceProvider Services { get; set; } = default!;

    /// <summary>Fills the form from the tenant's batch row; a row of another tenant, or without a photo, leaves it empty.</summary>
    private async Task OpenBatchRowAsync(TenantId tenant, CancellationToken cancellationToken)
    {
        // Resolved only when asked for: the workbench itself needs neither store.
        if (FromBatch is null || FromLine is not { } line
            || Services.GetService(typeof(IPricingBatchStore)) is not IPricingBatchStore batches
            || Services.GetService(typeof(IImageStore)) is not IImageStore images)
        {
            return;
        }

        var row = (await batches.GetRowsAsync(tenant, FromBatch, cancellationToken)).FirstOrDefault(r => r.Line == line);
        if (row?.ImageKey is not { } key || await images.OpenAsync(key, cancellationToken) is not { } stored)
        {
            return;
        }

        using var buffer = new MemoryStream();
        await using (stored.Content)
        {
            await stored.Content.CopyToAsync(buffer, cancellationToken);
        }

        _state.SetPhotos([new PhotoItem(row.ImageName, stored.ContentType, buffer.ToArray())]);
        _state.SetCategory(row.Category);
        _state.Condition = row.Condition;
        _state.Brand = row.Brand;
        _state.Title = row.Title;
    }
}
