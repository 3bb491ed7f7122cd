using Portal.Core.Pricing.Batches;
using Portal.Core.Sales;
using static Portal.Infrastructure.Tests.Storage.StorageTestData;

namespace Portal.Infrastructure.Tests.Storage;

/// <summary>
/// The behaviour every <see cref="IPricingBatchStore"/> must have: SQLite (embedded) and DynamoDB each derive once and
/// provide an empty store per test.
/// </summary>
public abstract class PricingBatchStoreContract : IAsyncLifetime
{
    protected static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly TenantId Acme = new("acme");
    private static readonly TenantId Other = new("other");

    protected IPricingBatchStore Store { get; private set; } = null!;

    protected abstract Task<IPricingBatchStore> CreateStoreAsync();

    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    protected static PricingBatch Batch(TenantId tenant, string id, DateTimeOffset at, int rows = 3) => new()
    {
        BatchId = id,
        Tenant = tenant,
        CreatedBy = "ana@example.com",
        CreatedAt = at,
        Name = "items.csv",
        Status = BatchStatus.Queued,
        TotalRows = rows,
    };

    protected static IReadOnlyList<BatchRow> Rows(int count) =>
    [
        .. Enumerable.Range(2, count).Select(line => new BatchRow
        {
            Line = line,
            ImageName = $"photos/{line}.jpg",
            ImageKey = $"acme/ab/{line}.jpg",
            Category = "shoes",
            Condition = "very_good",
            Brand = line % 2 == 0 ? "acme" : null,
            Title = line % 2 == 0 ? "Leather boots, \"vintage\"" : null,
            Status = BatchRowStatus.Pending,
        }),
    ];

    private static BatchRowPrice Price(double confidence = 0.8, string? fallback = null) =>
        new(123.450m, 99.9m, 150.05m, "EUR", confidence, fallback, 7, "resnet18-onnx-v2", Utc(2026, 1, 10).AddMilliseconds(123));

    [Fact]
    public async Task RoundTripsTheBatchAndItsRowsInLineOrder()
    {
        var batch = Batch(Acme, "b1", Utc(2026, 1, 10));
        var rows = Rows(3).Append(new BatchRow
        {
            Line = 9, ImageName = "missing.jpg", Category = "shoes", Condition = "new", Status = BatchRowStatus.Invalid, Error = "'missing.jpg' is not in the zip.",
        }).ToList();
        await Store.CreateAsync(batch with { TotalRows = rows.Count }, rows, Ct);

        Assert.Equal(batch with { TotalRows = 4 }, await Store.GetAsync(Acme, "b1", Ct));
        var read = await Store.GetRowsAsync(Acme, "b1", Ct);
        Assert.Equal(rows, read);
        Assert.Equal([2, 3, 4, 9], read.Select(r => r.Line));
    }

    [Fact]
    public async Task AnotherTenantsBatchIsNotFound()
    {
        await Store.CreateAsync(Batch(Acme, "b1", Utc(2026, 1, 10)), Rows(3), Ct);

        Assert.Null(await Store.GetAsync(Other, "b1", Ct));
        Assert.Empty(await Store.GetRowsAsync(Other, "b1", Ct));
        Assert.Empty(await Store.ListAsync(Other, 10, Ct));
        Assert.False(await Store.TryLeaseAsync(Other, "b1", "host-a", Utc(2026, 1, 10), Utc(2026, 1, 11), Ct));
        Assert.False(await Store.SaveOutcomeAsync(Other, "b1", new BatchRowOutcome(2, BatchRowStatus.Priced, null, Price()), Ct));
        Assert.Equal(BatchRowStatus.Pending, (await Store.GetRowsAsync(Acme, "b1", Ct))[0].Status);
    }

    [Fact]
    public async Task ListsATenantsBatchesNewestFirst()
    {
        await Store.CreateAsync(Batch(Acme, "b1", Utc(2026, 1, 10)), Rows(1), Ct);
        await Store.CreateAsync(Batch(Acme, "b2", Utc(2026, 1, 12)), Rows(1), Ct);
        await Store.CreateAsync(Batch(Other, "b3", Utc(2026, 1, 11)), Rows(1), Ct);

        Assert.Equal(["b2", "b1"], (await Store.ListAsync(Acme, 10, Ct)).Select(b => b.BatchId));
        Assert.Equal(["b2"], (await Store.ListAsync(Acme, 1, Ct)).Select(b => b.BatchId));
    }

    [Fact]
    public async Task ALeaseIsHeldUntilItRunsOutOrIsReleased()
    {
        await Store.CreateAsync(Batch(Acme, "b1", Utc(2026, 1, 10)), Rows(1), Ct);
        var now = Utc(2026, 1, 10, 13);

        Assert.True(await Store.TryLeaseAsync(Acme, "b1", "host-a", now, now.AddMinutes(1), Ct));
        Assert.True(await Store.TryLeaseAsync(Acme, "b1", "host-a", now, now.AddMinutes(2), Ct));
        Assert.False(await Store.TryLeaseAsync(Acme, "b1", "host-b", now.AddMinutes(1), now.AddMinutes(3), Ct));
        var running = await Store.GetAsync(Acme, "b1", Ct);
        Assert.Equal((BatchStatus.Running, "host-a", now.AddMinutes(2)), (running!.Status, running.LeaseOwner, running.LeaseUntil));

        Assert.True(await Store.TryLeaseAsync(Acme, "b1", "host-b", now.AddMinutes(3), now.AddMinutes(4), Ct));
        await Store.ReleaseAsync(Acme, "b1", "host-a", Ct);
        Assert.Equal("host-b", (await Store.GetAsync(Acme, "b1", Ct))!.LeaseOwner);

        await Store.ReleaseAsync(Acme, "b1", "host-b", Ct);
        var released = await Store.GetAsync(Acme, "b1", Ct);
        Assert.Equal((BatchStatus.Queued, (string?)null), (released!.Status, released.LeaseOwner));
        Assert.True(await Store.TryLeaseAsync(Acme, "b1", "host-c", now.AddMinutes(3), now.AddMinutes(4), Ct));
    }

    [Fact]
    public async Task AnOutcomeIsStoredOncePerRow()
    {
        await Store.CreateAsync(Batch(Acme, "b1", Utc(2026, 1, 10)), Rows(3), Ct);

        Assert.True(await Store.SaveOutcomeAsync(Acme, "b1", new BatchRowOutcome(2, BatchRowStatus.Priced, null, Price()), Ct));
        Assert.False(await Store.SaveOutcomeAsync(Acme, "b1", new BatchRowOutcome(2, BatchRowStatus.CannotPrice, "again", null), Ct));
        Assert.True(await Store.SaveOutcomeAsync(Acme, "b1", new BatchRowOutcome(3, BatchRowStatus.CannotPrice, "Too few similar items.", null), Ct));

        var rows = await Store.GetRowsAsync(Acme, "b1", Ct);
        Assert.Equal((BatchRowStatus.Priced, (string?)null), (rows[0].Status, rows[0].Error));
        Assert.Equal(Price(), rows[0].Price);
        Assert.Equal("123.450", rows[0].Price!.Price.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal((BatchRowStatus.CannotPrice, "Too few similar items.", (BatchRowPrice?)null), (rows[1].Status, rows[1].Error, rows[1].Price));
        Assert.Equal(BatchRowStatus.Pending, rows[2].Status);
        Assert.Equal(new BatchCounts(3, 1, 1, 1, 0, 0), BatchCounts.Of(rows));
    }

    [Fact]
    public async Task UnfinishedBatchesOfEveryTenantAreListedOldestFirstUntilCompleted()
    {
        await Store.CreateAsync(Batch(Acme, "b2", Utc(2026, 1, 12)), Rows(1), Ct);
        await Store.CreateAsync(Batch(Other, "b1", Utc(2026, 1, 11)), Rows(1), Ct);
        await Store.CreateAsync(Batch(Acme, "b3", Utc(2026, 1, 13)), Rows(1), Ct);
        await Store.TryLeaseAsync(Acme, "b3", "host-a", Utc(2026, 1, 13), Utc(2026, 1, 14), Ct);

        Assert.Equal(["b1", "b2", "b3"], (await Store.ListUnfinishedAsync(Ct)).Select(b => b.BatchId));

        await Store.CompleteAsync(Acme, "b2", Utc(2026, 1, 12, 13), Ct);
        Assert.Equal(["b1", "b3"], (await Store.ListUnfinishedAsync(Ct)).Select(b => b.BatchId));
        var completed = await Store.GetAsync(Acme, "b2", Ct);
        Assert.Equal((BatchStatus.Completed, Utc(2026, 1, 12, 13)), (completed!.Status, completed.CompletedAt));
        Assert.False(await Store.TryLeaseAsync(Acme, "b2", "host-a", Utc(2026, 1, 13), Utc(2026, 1, 14), Ct));
    }

    [Fact]
    public async Task ARowsDecisionIsRecordedOnce()
    {
        await Store.CreateAsync(Batch(Acme, "b1", Utc(2026, 1, 10)), Rows(2), Ct);

        Assert.True(await Store.SetDecisionAsync(Acme, "b1", 2, "d-2", Ct));
        Assert.False(await Store.SetDecisionAsync(Acme, "b1", 2, "d-other", Ct));
        Assert.False(await Store.SetDecisionAsync(Other, "b1", 3, "d-3", Ct));

        var rows = await Store.GetRowsAsync(Acme, "b1", Ct);
        Assert.Equal(["d-2", null], rows.Select(r => r.DecisionId));
    }

    [Fact]
    public async Task KeepsFiveHundredRows()
    {
        await Store.CreateAsync(Batch(Acme, "big", Utc(2026, 1, 10), 500), Rows(500), Ct);

        var rows = await Store.GetRowsAsync(Acme, "big", Ct);
        Assert.Equal(500, rows.Count);
        Assert.Equal(Enumerable.Range(2, 500), rows.Select(r => r.Line));
    }
}
