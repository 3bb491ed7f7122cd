using Portal.Core.Sales;
using Portal.Core.Validation;
using Portal.Infrastructure.Tests.Storage;

namespace Portal.Infrastructure.Tests.Validation;

public sealed class SalesValidatorTests : IDisposable
{
    private readonly ValidationTestBed _bed = new();

    public void Dispose() => _bed.Dispose();

    [Fact]
    public async Task CountsEveryPartitionOnBothSidesAndFindsNoVarianceWhenTheyAgree()
    {
        await _bed.WriteBothAsync(ValidationTestBed.Month("demo", 2025, 11, 30, "a"));
        await _bed.WriteBothAsync(ValidationTestBed.Month("demo", 2025, 12, 25, "b"));
        await _bed.WriteBothAsync(ValidationTestBed.Month("other", 2025, 12, 10, "c"));

        var outcome = await _bed.Validator.ValidateAsync(null, default);

        Assert.Equal(3, outcome.Partitions.Count);
        Assert.Equal(new SalesPartition(new TenantId("demo"), 2025, 11), outcome.Partitions[0].Partition);
        Assert.All(outcome.Partitions, p => Assert.Equal(p.StoreCount, p.LakeCount));
        Assert.Equal([30L, 25L, 10L], outcome.Partitions.Select(p => p.StoreCount));
        Assert.All(outcome.Partitions, p => Assert.False(p.OverThreshold));
        Assert.DoesNotContain(outcome.Findings, f => f.Kind is ValidationFindingKind.DuplicateLakeRows or ValidationFindingKind.MissingEmbedding);
    }

    [Fact]
    public async Task FlagsAPartitionWhoseLakeIsShortByMoreThanTheThreshold()
    {
        var sales = ValidationTestBed.Month("demo", 2025, 12, 100, "a");
        await _bed.Store.AddSalesAsync(sales, default);
        await _bed.Lake.AppendAsync(sales.Take(94).Select(s => new LakeRow(s.Item1, s.Item2)).ToList(), default);
        var nearlyComplete = ValidationTestBed.Month("demo", 2025, 11, 100, "b");
        await _bed.Store.AddSalesAsync(nearlyComplete, default);
        await _bed.Lake.AppendAsync(nearlyComplete.Take(96).Select(s => new LakeRow(s.Item1, s.Item2)).ToList(), default);

        var outcome = await _bed.Validator.ValidateAsync(null, default);

        var december = Assert.Single(outcome.Partitions, p => p.Partition.Month == 12);
        Assert.Equal(6d, december.VariancePercent, 6);
        Assert.True(december.OverThreshold);
        var november = Assert.Single(outcome.Partitions, p => p.Partition.Month == 11);
        Assert.Equal(4d, november.VariancePercent, 6);
        Assert.False(november.OverThreshold);
    }

    [Fact]
    public async Task LeavesSalesPastTheStoresRetentionOutOnBothSides()
    {
        // Now is 2026-01-15 12:00; retention is 730 days, so sales before 2024-01-16 12:00:01 have expired in the store.
        var expired = StorageTestData.Sale("demo", "old", 40m, new DateTimeOffset(2024, 1, 16, 11, 59, 59, TimeSpan.Zero));
        var live = StorageTestData.Sale("demo", "young", 40m, new DateTimeOffset(2024, 1, 16, 12, 0, 2, TimeSpan.Zero));
        await _bed.WriteBothAsync([(expired, ValidationTestBed.Resnet(1)), (live, ValidationTestBed.Resnet(2))]);
        // The lake alone also holds an older expired sale of the same month: it must not count as a variance.
        await _bed.Lake.AppendAsync([new LakeRow(StorageTestData.Sale("demo", "older", 40m, new DateTimeOffset(2024, 1, 3, 0, 0, 0, TimeSpan.Zero)), null)], default);

        var outcome = await _bed.Validator.ValidateAsync(null, default);

        var january = Assert.Single(outcome.Partitions);
        Assert.Equal(1, january.StoreCount);
        Assert.Equal(1, january.LakeCount);
        Assert.False(january.OverThreshold);
    }

    [Fact]
    public async Task FindsMissingWrongNonFiniteZeroAndMixedEmbeddings()
    {
        var at = new DateTimeOffset(2025, 12, 5, 10, 0, 0, TimeSpan.Zero);
        var nan = ValidationTestBed.Resnet(3).Vector.ToArray();
        nan[17] = float.NaN;
        var infinite = ValidationTestBed.Resnet(4).Vector.ToArray();
        infinite[0] = float.PositiveInfinity;
        await _bed.Store.AddSalesAsync(
        [
            (StorageTestData.Sale("demo", "ok", 50m, at), ValidationTestBed.Resnet(1)),
            (StorageTestData.Sale("demo", "none", 50m, at), null),
            (StorageTestData.Sale("demo", "short", 50m, at), new StoredEmbedding("resnet18-onnx-v1", new float[128])),
            (StorageTestData.Sale("demo", "nan", 50m, at), new StoredEmbedding("resnet18-onnx-v1", nan)),
            (StorageTestData.Sale("demo", "inf", 50m, at), new StoredEmbedding("resnet18-onnx-v1", infinite)),
            (StorageTestData.Sale("demo", "zero", 50m, at), new StoredEmbedding("resnet18-onnx-v1", new float[512])),
            (StorageTestData.Sale("demo", "titan", 50m, at), new StoredEmbedding("amazon.titan-embed-image-v1", Enumerable.Repeat(0.5f, 384).ToArray())),
            (StorageTestData.Sale("demo", "titan-bad", 50m, at), new StoredEmbedding("amazon.titan-embed-image-v1", Enumerable.Repeat(0.5f, 512).ToArray())),
            (StorageTestData.Sale("demo", "mystery", 50m, at), new StoredEmbedding("mystery-model", Enumerable.Repeat(0.5f, 8).ToArray())),
        ], default);

        var findings = (await _bed.Validator.ValidateAsync(null, default)).Findings.ToDictionary(f => f.Kind);

        Assert.Equal(["none"], findings[ValidationFindingKind.MissingEmbedding].Examples);
        Assert.Equal(["short", "titan-bad"], findings[ValidationFindingKind.WrongEmbeddingDimension].Examples.Order());
        Assert.Equal(["inf", "nan"], findings[ValidationFindingKind.NonFiniteEmbedding].Examples.Order());
        Assert.Equal(["zero"], findings[ValidationFindingKind.ZeroNormEmbedding].Examples);
        Assert.Equal(["mystery"], findings[ValidationFindingKind.UnknownEmbeddingModel].Examples);
        var mixed = findings[ValidationFindingKind.MixedEmbeddingModels];
        Assert.Contains("resnet18-onnx-v1 × 5", mixed.Detail);
        Assert.Contains("amazon.titan-embed-image-v1 × 2", mixed.Detail);
    }

    [Fact]
    public async Task FindsNonPositivePricesOutliersAndMixedCurrencies()
    {
        var at = new DateTimeOffset(2025, 12, 5, 10, 0, 0, TimeSpan.Zero);
        var sales = Enumerable.Range(0, 40)
            .Select(i => (StorageTestData.Sale("demo", $"s{i}", 40m + i, at), (StoredEmbedding?)ValidationTestBed.Resnet(i + 1)))
            .ToList();
        sales.Add((StorageTestData.Sale("demo", "free", 0m, at), ValidationTestBed.Resnet(99)));
        sales.Add((StorageTestData.Sale("demo", "absurd", 250_000m, at), ValidationTestBed.Resnet(98)));
        sales.Add((StorageTestData.Sale("demo", "penny", 0.05m, at), ValidationTestBed.Resnet(97)));
        sales.Add((StorageTestData.Sale("demo", "euro", 45m, at) with { Currency = "EUR" }, ValidationTestBed.Resnet(96)));
        await _bed.Store.AddSalesAsync(sales, default);

        var findings = (await _bed.Validator.ValidateAsync(null, default)).Findings.ToDictionary(f => f.Kind);

        Assert.Equal(["free"], findings[ValidationFindingKind.NonPositivePrice].Examples);
        Assert.Equal(["absurd", "penny"], findings[ValidationFindingKind.PriceOutlier].Examples.Order());
        Assert.Equal(2, findings[ValidationFindingKind.PriceOutlier].Count);
        Assert.Contains("EUR × 1", findings[ValidationFindingKind.MixedCurrencies].Detail);
    }

    [Fact]
    public async Task ReportsRowsWrittenTwiceToTheLake()
    {
        var sales = ValidationTestBed.Month("demo", 2025, 12, 20, "a");
        await _bed.WriteBothAsync(sales);
        await _bed.Lake.AppendAsync(sales.Take(3).Select(s => new LakeRow(s.Item1, s.Item2)).ToList(), default);

        var outcome = await _bed.Validator.ValidateAsync(null, default);

        Assert.Equal(3, Assert.Single(outcome.Findings, f => f.Kind == ValidationFindingKind.DuplicateLakeRows).Count);
        Assert.True(Assert.Single(outcome.Partitions).OverThreshold);
    }

    [Fact]
    public async Task AnEmptyInstallationValidatesToAnEmptyReport()
    {
        var outcome = await _bed.Validator.ValidateAsync(null, default);

        Assert.Empty(outcome.Partitions);
        Assert.Empty(outcome.Findings);
    }
}
