using Portal.Core.Sales;

namespace Portal.Infrastructure.Tests.Storage;

internal static class StorageTestData
{
    public static readonly DateTimeOffset Now = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);

    public static SaleRecord Sale(
        string tenant, string saleId, decimal price, DateTimeOffset soldAt,
        string category = "dresses", string? brand = "zara", string? productId = null) => new()
        {
            Tenant = new TenantId(tenant),
            ProductId = productId ?? $"p-{saleId}",
            SaleId = saleId,
            Category = category,
            Brand = brand,
            Condition = ItemCondition.Good,
            Title = $"Item {saleId}",
            Description = $"Description of {saleId}",
            SoldPrice = price,
            Currency = "SGD",
            SoldAt = soldAt,
            ImageKey = $"images/{tenant}/{saleId}.jpg",
            Source = "carousel",
        };

    public static DateTimeOffset Utc(int year, int month, int day, int hour = 12) => new(year, month, day, hour, 0, 0, TimeSpan.Zero);
}

/// <summary>A throwaway folder, deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "portal-storage-tests", Guid.NewGuid().ToString("N"));

    public TempFolder() => Directory.CreateDirectory(Path);

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
