using Portal.Infrastructure.Tests.Storage;
using Portal.Infrastructure.Validation;
using Portal.Pricing.Domain;
using Portal.Pricing.Operations;
using Portal.Pricing.Validation;

namespace Portal.Infrastructure.Tests.Validation;

public sealed class SqliteValidationReportStoreTests : IDisposable
{
    private static readonly TenantId Demo = new("demo");
    private static readonly TenantId Other = new("other");
    private readonly TempFolder _folder = new();
    private readonly SqliteValidationReportStore _store;

    public SqliteValidationReportStoreTests() => _store = new SqliteValidationReportStore(Path.Combine(_folder.Path, "portal.db"));

    public void Dispose()
    {
        _store.Dispose();
        _folder.Dispose();
    }

    private static ValidationRun Run(Guid id, DateTimeOffset startedAt) => new()
    {
        RunId = id,
        Trigger = "schedule",
        StartedAt = startedAt,
        FinishedAt = startedAt.AddSeconds(42),
        Status = ValidationRunStatus.Succeeded,
        VarianceThresholdPercent = 5,
        Partitions =
        [
            new PartitionCounts(new SalesPartition(Demo, 2025, 12), 100, 90, 10, true),
            new PartitionCounts(new SalesPartition(Other, 2025, 12), 10, 10, 0, false),
        ],
        Findings =
        [
            new ValidationFinding(ValidationFindingKind.ZeroNormEmbedding, new SalesPartition(Demo, 2025, 12), 2, ["a", "b"], "zeros"),
            new ValidationFinding(ValidationFindingKind.PriceOutlier, new SalesPartition(Other, 2025, 12), 1, ["x"], "far"),
        ],
        Alerts = [new Alert("validation", AlertSeverity.Warning, "drift", "demo drifts", Demo, startedAt, "/ops/validation/x")],
    };

    [Fact]
    public async Task RoundTripsARunAndReplacesItWhenSavedAgain()
    {
        var id = Guid.NewGuid();
        await _store.SaveAsync(Run(id, StorageTestData.Now) with { Status = ValidationRunStatus.Running, FinishedAt = null, Partitions = [], Findings = [], Alerts = [] }, default);
        await _store.SaveAsync(Run(id, StorageTestData.Now), default);

        var run = (await _store.GetAsync(id, null, default))!;

        Assert.Equal(ValidationRunStatus.Succeeded, run.Status);
        Assert.Equal(TimeSpan.FromSeconds(42), run.Duration);
        Assert.Equal(2, run.Partitions.Count);
        Assert.Equal(Run(id, StorageTestData.Now).Partitions, run.Partitions);
        Assert.Equal(["a", "b"], run.Findings.Single(f => f.Kind == ValidationFindingKind.ZeroNormEmbedding).Examples);
        Assert.Equal(Run(id, StorageTestData.Now).Alerts, run.Alerts);
        Assert.Single(await _store.ListAsync(null, 10, default));
    }

    [Fact]
    public async Task ATenantSeesOnlyItsOwnPartitionsFindingsAlertsAndRepairs()
    {
        var id = Guid.NewGuid();
        await _store.SaveAsync(Run(id, StorageTestData.Now), default);
        await _store.AddRepairAuditAsync(new LakeRepairAudit(Guid.NewGuid(), id, new SalesPartition(Other, 2025, 12), "admin", StorageTestData.Now, true, 3, 0), default);

        var run = (await _store.GetAsync(id, Demo, default))!;
        var summary = Assert.Single(await _store.ListAsync(Demo, 10, default));

        Assert.All(run.Partitions, p => Assert.Equal(Demo, p.Partition.Tenant));
        Assert.All(run.Findings, f => Assert.Equal(Demo, f.Partition.Tenant));
        Assert.Single(run.Alerts);
        Assert.Equal((1, 1, 2L, 1), (summary.PartitionCount, summary.OverThresholdCount, summary.FindingCount, summary.AlertCount));
        Assert.Empty(await _store.ListRepairAuditAsync(Demo, id, 10, default));
        Assert.Single(await _store.ListRepairAuditAsync(Other, id, 10, default));
        Assert.Empty((await _store.GetAsync(id, Other, default))!.Alerts);
    }

    [Fact]
    public async Task ListsNewestFirstAndAnUnknownRunIsNotFound()
    {
        var older = Guid.NewGuid();
        var newer = Guid.NewGuid();
        await _store.SaveAsync(Run(older, StorageTestData.Now), default);
        await _store.SaveAsync(Run(newer, StorageTestData.Now.AddDays(1)), default);

        Assert.Equal([newer, older], (await _store.ListAsync(null, 10, default)).Select(r => r.RunId));
        Assert.Null(await _store.GetAsync(Guid.NewGuid(), null, default));
    }
}
