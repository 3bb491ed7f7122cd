using Microsoft.Extensions.Time.Testing;
using Portal.Core.Sales;
using Portal.Core.Validation;
using Portal.Infrastructure.Aws.DynamoDb.Sales;
using static Portal.Infrastructure.Tests.Storage.StorageTestData;

namespace Portal.Infrastructure.Tests.Aws.DynamoDb.Sales;

/// <summary>The validation's view of the DynamoDB table: parallel scan segments over live sale items, partitions from GSI-4.</summary>
[Collection(DynaliteCollection.Name)]
public sealed class DynamoDbValidationStoreReaderTests(DynaliteFixture dynalite) : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly FakeTimeProvider _time = new(Now);
    private readonly DynamoDbSalesOptions _options = new() { ScanSegments = 3 };
    private string? _table;
    private DynamoDbSalesStore _store = null!;
    private DynamoDbValidationStoreReader _reader = null!;

    public async Task InitializeAsync()
    {
        _table = await dynalite.CreateSalesTableAsync();
        _store = new DynamoDbSalesStore(dynalite.Client, _table, _options, _time);
        _reader = new DynamoDbValidationStoreReader(dynalite.Client, _table, _options, _time);
        // acme: 2025-11 ×2 (one drained through the outbox, one still pending), 2025-12 ×1 with an embedding, one expired sale;
        // globex: 2025-12 ×1. Guard, registry and outbox batch items sit in the same table.
        await _store.AddSalesAsync(
        [
            (Sale("acme", "a1", 10m, Utc(2025, 11, 3)), null),
            (Sale("acme", "a3", 30m, Utc(2025, 12, 31, 23)), new StoredEmbedding("m", [1f, 2f])),
            (Sale("acme", "old", 5m, Now.AddDays(-800)), null),
            (Sale("globex", "g1", 40m, Utc(2025, 12, 1)), null),
        ], Ct);
        await _store.AddSalesWithOutboxAsync([(Sale("acme", "a2", 20m, Utc(2025, 11, 30)), null)], Ct);
        await _store.AddSalesWithOutboxAsync([(Sale("acme", "a4", 25m, Utc(2025, 11, 15)), null)], Ct);
        var batch = (await _store.ClaimBatchAsync(1, Ct))!;
        await _store.MarkDrainedAsync(batch.BatchId, Ct);
    }

    public Task DisposeAsync() => dynalite.DeleteTableAsync(_table);

    [Fact]
    public async Task CountsLiveSalesPerTenantAndMonthOnly()
    {
        var counts = await _reader.CountPartitionsAsync(Ct);

        Assert.Equal(3, counts.Count);
        Assert.Equal(3, counts[("acme", "2025-11")]);
        Assert.Equal(1, counts[("acme", "2025-12")]);
        Assert.Equal(1, counts[("globex", "2025-12")]);

        _time.Advance(TimeSpan.FromDays(800));
        Assert.Empty(await _reader.CountPartitionsAsync(Ct));
    }

    [Fact]
    public async Task ScanHandsOverEveryLiveSaleOnceWithItsRawEmbedding()
    {
        var rows = new List<(string Tenant, string YearMonth, string SaleId, double Price, bool HasEmbedding, byte[] Bytes, long Dimension, string? Model)>();

        await _reader.ScanAsync((in StoreScanRow row) => rows.Add((row.Tenant, row.YearMonth, row.SaleId, row.Price, row.HasEmbedding, row.Embedding.ToArray(), row.Dimension, row.Model)), Ct);

        Assert.Equal(["a1", "a2", "a3", "a4", "g1"], rows.Select(r => r.SaleId).Order(StringComparer.Ordinal));
        var a3 = rows.Single(r => r.SaleId == "a3");
        Assert.Equal(("acme", "2025-12", 30d, true, 2L, "m"), (a3.Tenant, a3.YearMonth, a3.Price, a3.HasEmbedding, a3.Dimension, a3.Model));
        Assert.Equal(System.Runtime.InteropServices.MemoryMarshal.AsBytes(new[] { 1f, 2f }.AsSpan()).ToArray(), a3.Bytes);
        Assert.False(rows.Single(r => r.SaleId == "a1").HasEmbedding);
    }

    [Fact]
    public async Task SaleIdsLeaveOutSalesStillPendingInTheOutbox()
    {
        var november = new SalesPartition(new TenantId("acme"), 2025, 11);

        var ids = await _reader.SaleIdsAsync(november, Ct);

        // a2 was enqueued first and drained; a4 waits in the outbox: the lake writer will write it, a repair must not.
        Assert.Equal(["a1", "a2"], ids);
        Assert.Equal(["a3"], await _reader.SaleIdsAsync(new SalesPartition(new TenantId("acme"), 2025, 12), Ct));
        Assert.Empty(await _reader.SaleIdsAsync(new SalesPartition(new TenantId("nobody"), 2025, 12), Ct));
    }

    [Fact]
    public async Task ReadPartitionReturnsOnlyTheAskedSalesWithTheirEmbeddings()
    {
        var december = new SalesPartition(new TenantId("acme"), 2025, 12);

        var rows = await _reader.ReadPartitionAsync(december, new HashSet<string> { "a3", "a1" }, Ct);

        var (sale, embedding) = Assert.Single(rows);
        Assert.Equal("a3", sale.SaleId);
        Assert.Equal([1f, 2f], embedding!.Vector);
        Assert.Empty(await _reader.ReadPartitionAsync(december, new HashSet<string>(), Ct));
    }
}
