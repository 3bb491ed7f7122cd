namespace Portal.Core.Imports.SmartGo;

/// <summary>One row of <c>smartgo.sales</c> as read, before any check (see <c>docs/smartgo/source-schema.sql</c>).</summary>
public sealed record SmartGoSaleRow
{
    public required string SaleId { get; init; }
    public required DateTimeOffset SoldAt { get; init; }
    public string? TenantId { get; init; }
    public string? ProductId { get; init; }
    public string? Category { get; init; }
    public string? Brand { get; init; }
    public string? Condition { get; init; }
    public string? Title { get; init; }
    public string? Description { get; init; }
    public decimal? SoldPrice { get; init; }
    public string? Currency { get; init; }
    public string? ImageKey { get; init; }
    public string? ImageUrl { get; init; }
}
