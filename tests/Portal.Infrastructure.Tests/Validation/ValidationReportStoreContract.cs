using Portal.Core.Jobs;
using Portal.Core.Sales;
using Portal.Core.Validation;
using Portal.Infrastructure.Tests.Storage;

namespace Portal.Infrastructure.Tests.Validation;

/// <summary>The behaviour every <see cref="IValidationReportStore"/> must have; SQLite and DynamoDB each derive once.</summary>
public abstract class ValidationReportStoreContract : IAsyncLifetime
{
    protected static readonly TenantId Demo = new("demo");
    protected static readonly TenantId Other = new("other");

    protected IValidationReportStore Store { get; private set; } = null!;

    /// <summary>An empty store for one test.</summary>
    protected abstract Task<IValidationReportStore> CreateStoreAsync();

    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    protected static ValidationRun Run(Guid id, DateTimeOffset startedAt) => new()
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
        await Store.SaveAsync(Run(id, StorageTestData.Now) with { Status = ValidationRunStatus.Running, FinishedAt = null, Partitions = [], Findings = [], Alerts = [] }, default);
        await Store.SaveAsync(Run(id, StorageTestData.Now), default);

        var run = (await Store.GetAsync(id, null, default))!;

        Assert.Equal(ValidationRunStatus.Succeeded, run.Status);
        Assert.Equal(TimeSpan.FromSeconds(42), run.Duration);
        Assert.Equal(2, run.Partitions.Count);
        Assert.Equal(Run(id, StorageTestData.Now).Partitions, run.Partitions);
        Assert.Equal(["a", "b"], run.Findings.Single(f => f.Kind == ValidationFindingKind.ZeroNormEmbedding).Examples);
        Assert.Equal(Run(id, StorageTestData.Now).Alerts, run.Alerts);
        Assert.Single(await Store.ListAsync(null, 10, default));
    }

    [Fact]
    public async Task ATenantSeesOnlyItsOwnPartitionsFindingsAlertsAndRepairs()
    {
        var id = Guid.NewGuid();
        await Store.SaveAsync(Run(id, StorageTestData.Now), default);
        await Store.AddRepairAuditAsync(new LakeRepairAudit(Guid.NewGuid(), id, new SalesPartition(Other, 2025, 12), "admin", StorageTestData.Now, true, 3, 0), default);

        var run = (await Store.GetAsync(id, Demo, default))!;
        var summary = Assert.Single(await Store.ListAsync(Demo, 10, default));

        Assert.All(run.Partitions, p => Assert.Equal(Demo, p.Partition.Tenant));
        Assert.All(run.Findings, f => Assert.Equal(Demo, f.Partition.Tenant));
        Assert.Single(run.Alerts);
        Assert.Equal((1, 1, 2L, 1), (summary.PartitionCount, summary.OverThresholdCount, summary.FindingCount, summary.AlertCount));
        Assert.Empty(await Store.ListRepairAuditAsync(Demo, id, 10, default));
        Assert.Single(await Store.ListRepairAuditAsync(Other, id, 10, default));
        Assert.Empty((await Store.GetAsync(id, Other, default))!.Alerts);
    }

    [Fact]
    public async Task ListsNewestFirstAndAnUnknownRunIsNotFound()
    {
        var older = Guid.NewGuid();
        var newer = Guid.NewGuid();
        await Store.SaveAsync(Run(older, StorageTestData.Now), default);
        await Store.SaveAsync(Run(newer, StorageTestData.Now.AddDays(1)), default);

        Assert.Equal([newer, older], (await Store.ListAsync(null, 10, default)).Select(r => r.RunId));
        Assert.Equal([newer], (await Store.ListAsync(null, 1, default)).Select(r => r.RunId));
        Assert.Null(await Store.GetAsync(Guid.NewGuid(), null, default));
    }

    [Fact]
    public async Task TheWholeRunCountsEveryTenantAndATenantWithNothingInARunSeesZeros()
    {
        var id = Guid.NewGuid();
        var run = Run(id, StorageTestData.Now) with
        {
            Alerts = [.. Run(id, StorageTestData.Now).Alerts, new Alert("validation", AlertSeverity.Critical, "lake down", "no lake", null, StorageTestData.Now)],
        };
        await Store.SaveAsync(run, default);

        var all = Assert.Single(await Store.ListAsync(null, 10, default));
        var stranger = Assert.Single(await Store.ListAsync(new TenantId("stranger"), 10, default));

        Assert.Equal((2, 1, 3L, 2), (all.PartitionCount, all.OverThresholdCount, all.FindingCount, all.AlertCount));
        Assert.Equal((0, 0, 0L, 0), (stranger.PartitionCount, stranger.OverThresholdCount, stranger.FindingCount, stranger.AlertCount));
        Assert.Equal(2, (await Store.GetAsync(id, null, default))!.Alerts.Count);
    }

    [Fact]
    public async Task ARunWithThousandsOfPartitionsAndFindingsRoundTripsInOrder()
    {
        var id = Guid.NewGuid();
        var tenants = Enumerable.Range(0, 100).Select(i => new TenantId($"t{i:D3}")).ToList();
        var partitions = tenants.SelectMany(t => Enumerable.Range(1, 24).Select(m =>
            new PartitionCounts(new SalesPartition(t, 2024 + (m - 1) / 12, (m - 1) % 12 + 1), m * 10, m * 10 - 1, 100d / (m * 10), m % 5 == 0))).ToList();
        // Details long enough that the findings alone span several 1 MB query pages.
        var findings = partitions.Take(1500).Select(p =>
            new ValidationFinding(ValidationFindingKind.PriceOutlier, p.Partition, 3, ["s-1", "s-2", "s-3"], new string('x', 1000))).ToList();
        await Store.SaveAsync(Run(id, StorageTestData.Now) with { Partitions = partitions, Findings = findings, Alerts = [] }, default);

        var run = (await Store.GetAsync(id, null, default))!;
        var one = (await Store.GetAsync(id, tenants[42], default))!;
        var summary = Assert.Single(await Store.ListAsync(tenants[42], 10, default));

        Assert.Equal(2400, run.Partitions.Count);
        Assert.Equal(partitions.OrderBy(p => p.Partition.Tenant.Value, StringComparer.Ordinal).ThenBy(p => p.Partition.Year).ThenBy(p => p.Partition.Month), run.Partitions);
        Assert.Equal(1500, run.Findings.Count);
        Assert.Equal(24, one.Partitions.Count);
        Assert.All(one.Partitions, p => Assert.Equal(tenants[42], p.Partition.Tenant));
        Assert.Equal((24, 4, 72L), (summary.PartitionCount, summary.OverThresholdCount, summary.FindingCount));
    }

    [Fact]
    public async Task SavingAgainDropsPartitionsFindingsAndAlertsTheRunNoLongerHas()
    {
        var id = Guid.NewGuid();
        await Store.SaveAsync(Run(id, StorageTestData.Now), default);
        var smaller = Run(id, StorageTestData.Now) with
        {
            Partitions = [Run(id, StorageTestData.Now).Partitions[0]],
            Findings = [],
            Alerts = [],
        };

        await Store.SaveAsync(smaller, default);

        var run = (await Store.GetAsync(id, null, default))!;
        Assert.Equal(smaller.Partitions, run.Partitions);
        Assert.Empty(run.Findings);
        Assert.Empty(run.Alerts);
        Assert.Empty((await Store.GetAsync(id, Other, default))!.Partitions);
        var summary = Assert.Single(await Store.ListAsync(Other, 10, default));
        Assert.Equal((0, 0L, 0), (summary.PartitionCount, summary.FindingCount, summary.AlertCount));
    }

    [Fact]
    public async Task RepairAuditsListNewestFirstNarrowedByRunAndLimited()
    {
        var run = Guid.NewGuid();
        for (var i = 0; i < 5; i++)
        {
            await Store.AddRepairAuditAsync(new LakeRepairAudit(
                Guid.NewGuid(), i % 2 == 0 ? run : null, new SalesPartition(Demo, 2025, i + 1), "ops", StorageTestData.Now.AddMinutes(i), i % 2 == 1, i, i % 2 == 0 ? i : 0), default);
        }

        var all = await Store.ListRepairAuditAsync(null, null, 10, default);
        var ofRun = await Store.ListRepairAuditAsync(Demo, run, 2, default);

        Assert.Equal([5, 4, 3, 2, 1], all.Select(a => a.Partition.Month));
        Assert.Equal([5, 3], ofRun.Select(a => a.Partition.Month));
        Assert.Equal((false, 4, 4), (ofRun[0].DryRun, ofRun[0].MissingCount, ofRun[0].WrittenCount));
    }

    [Fact]
    public async Task ARunWithoutATriggerIsRefusedAndNothingIsStored()
    {
        var id = Guid.NewGuid();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.SaveAsync(Run(id, StorageTestData.Now) with { Trigger = " " }, default));

        Assert.Null(await Store.GetAsync(id, null, default));
        Assert.Empty(await Store.ListAsync(null, 10, default));
    }
}
