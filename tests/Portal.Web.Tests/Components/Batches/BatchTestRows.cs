using Portal.Core.Pricing.Batches;

namespace Portal.Web.Tests.Components.Batches;

internal static class BatchTestRows
{
    public static readonly DateTimeOffset Now = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);

    public static BatchRow Row(int line, BatchRowStatus status = BatchRowStatus.Pending) => new()
    {
        Line = line,
        ImageName = $"photo-{line}.jpg",
        ImageKey = $"demo/ab/{line}.jpg",
        Category = "shoes",
        Condition = "good",
        Status = status,
    };

    public static BatchRowPrice Price(double confidence, string? fallback = null) =>
        new(100m + (decimal)confidence, 80m, 120m, "EUR", confidence, fallback, fallback is null ? 8 : 0, "resnet18-onnx-v2", Now);

    public static BatchRow Strong(int line) => Row(line, BatchRowStatus.Priced) with { Price = Price(0.9) };

    public static BatchRow Weak(int line) => Row(line, BatchRowStatus.Priced) with { Price = Price(0.3) };

    public static BatchRow NoMatch(int line) => Row(line, BatchRowStatus.Priced) with { Price = Price(0.2, "category_median") };

    public static BatchRow Refused(int line) => Row(line, BatchRowStatus.Invalid) with { ImageKey = null, Error = $"'photo-{line}.jpg' is not in the zip." };
}
