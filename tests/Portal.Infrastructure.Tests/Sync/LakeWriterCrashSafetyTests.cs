using Microsoft.Extensions.Time.Testing;
using Portal.Core.Sales;
using Portal.Core.Sync;

namespace Portal.Infrastructure.Tests.Sync;

public sealed class LakeWriterCrashSafetyTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private readonly string _folder = Directory.CreateTempSubdirectory("portal-lake-writer-tests-").FullName;
    private readonly FakeTimeProvider _time = new(Now);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task CrashAfterTheLakeWriteButBeforeMarkingDrainedRewritesTheSameBatchWithoutDoubling()
    {
        using (var first = Harness())
        {
            await first.Store.AddSalesWithOutboxAsync(Sales(10), CancellationToken.None);
            var batch = (await first.Store.ClaimBatchAsync(100, CancellationToken.None))!;
            await first.Lake.WriteBatchAsync(LakeWriter.BatchName(batch.BatchId), batch.Rows, CancellationToken.None);
            // The process dies here: the rows are in the lake, the outbox does not know.
        }

        using var restarted = Harness();
        await restarted.Store.AddSalesWithOutboxAsync(Sales(15), CancellationToken.None);
        var written = await restarted.LakeWriter.DrainAsync(force: true, CancellationToken.None);

        Assert.Equal(15, written);
        Assert.Equal((15, 15), await restarted.LakeCountAsync());
        Assert.Equal(15, await restarted.StoreCountAsync());
        Assert.Equal(0, (await restarted.Store.GetStatusAsync(CancellationToken.None)).Pending);
        Assert.Empty(Directory.EnumerateFiles(restarted.LakeRoot, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task CrashAfterClaimingABatchBeforeTheLakeWriteLosesNothing()
    {
        using (var first = Harness())
        {
            await first.Store.AddSalesWithOutboxAsync(Sales(7), CancellationToken.None);
            Assert.NotNull(await first.Store.ClaimBatchAsync(5, CancellationToken.None));
        }

        using var restarted = Harness();
        await restarted.LakeWriter.DrainAsync(force: true, CancellationToken.None);
        await restarted.LakeWriter.DrainAsync(force: true, CancellationToken.None);

        Assert.Equal((7, 7), await restarted.LakeCountAsync());
        Assert.Equal(0, (await restarted.Store.GetStatusAsync(CancellationToken.None)).Pending);
    }

    [Fact]
    public async Task SalesWriterThatDiesBeforeTheLakeLeavesOutboxRowsTheNextDrainWrites()
    {
        using (var first = Harness())
        {
            var writer = new SalesWriter(first.Store, new LakeWriter(first.Store, new FailingLake(), Microsoft.Extensions.Options.Options.Create(first.Options), first.Metrics, _time), first.Index);
            await Assert.ThrowsAsync<IOException>(() => writer.WriteAsync(Sales(6), CancellationToken.None));
            Assert.Equal(6, await first.StoreCountAsync());
            Assert.Equal((0, 0), await first.LakeCountAsync());
        }

        using var restarted = Harness();
        var writer2 = new SalesWriter(restarted.Store, restarted.LakeWriter, restarted.Index);
        // The importer re-runs the same file: nothing new in the store, and the lake gets each sale once.
        Assert.Equal(0, await writer2.WriteAsync(Sales(6), CancellationToken.None));
        Assert.Equal(6, await restarted.StoreCountAsync());
        Assert.Equal((6, 6), await restarted.LakeCountAsync());
    }

    [Fact]
    public async Task SalesWriterLeavingTheLakeToTheWriterIndexesAtOnceAndARetriedWriteAddsNothing()
    {
        using var sync = Harness();
        // A lake that fails every write: the sync path's write must not touch it.
        var writer = new SalesWriter(sync.Store, new LakeWriter(sync.Store, new FailingLake(), Microsoft.Extensions.Options.Options.Create(sync.Options), sync.Metrics, _time), sync.Index);
        var sales = Sales(6).Select(s => new SaleWithPhotos(s.Sale, s.Embedding)).ToList();

        Assert.Equal(6, await writer.WriteAsync(sales, LakeHandoff.Background, CancellationToken.None));
        Assert.Equal(0, await writer.WriteAsync(sales, LakeHandoff.Background, CancellationToken.None));

        Assert.Equal(6, await sync.StoreCountAsync());
        Assert.Equal(6, sync.Index.Count(new TenantId(SyncHarness.Tenant)));
        Assert.Equal(6, (await sync.Store.GetStatusAsync(CancellationToken.None)).Pending);
        Assert.Equal((0, 0), await sync.LakeCountAsync());
        await sync.LakeWriter.DrainAsync(force: true, CancellationToken.None);
        Assert.Equal((6, 6), await sync.LakeCountAsync());
    }

    [Fact]
    public async Task TheWriterDrainsBySizeOrAgeOnly()
    {
        using var sync = Harness(new SyncOptions { LakeBatchMaxRows = 10, LakeBatchMaxAge = TimeSpan.FromSeconds(30) });
        await sync.Store.AddSalesWithOutboxAsync(Sales(4), CancellationToken.None);

        Assert.Equal(0, await sync.LakeWriter.DrainAsync(force: false, CancellationToken.None));
        _time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(4, await sync.LakeWriter.DrainAsync(force: false, CancellationToken.None));

        await sync.Store.AddSalesWithOutboxAsync(Sales(30, from: 100), CancellationToken.None);
        Assert.Equal(30, await sync.LakeWriter.DrainAsync(force: false, CancellationToken.None));
        Assert.Equal((34, 34), await sync.LakeCountAsync());
        // One batch of 4 by age, then three of 10 by size: each named after its batch (one file per partition it touches).
        var files = Directory.EnumerateFiles(sync.LakeRoot, "*.parquet", SearchOption.AllDirectories).Select(Path.GetFileName).ToList();
        Assert.All(files, f => Assert.Matches(@"^part-outbox-\d{12}\.parquet$", f));
        Assert.Equal(4, files.Distinct().Count());
    }

    private SyncHarness Harness(SyncOptions? options = null) => new(_time, options, folder: _folder);

    private static List<(SaleRecord Sale, StoredEmbedding? Embedding)> Sales(int count, int from = 0) =>
        [.. Enumerable.Range(from, count).Select(i => (new SaleRecord
        {
            Tenant = new TenantId(SyncHarness.Tenant),
            ProductId = $"p-{i}",
            SaleId = $"s-{i}",
            Category = "shoes",
            SoldPrice = 10m + i,
            Currency = "EUR",
            SoldAt = Now.AddDays(-i % 40),
            Source = "test",
        }, (StoredEmbedding?)new StoredEmbedding("test-model", [1f, 0f, (float)i]))),];

    private sealed class FailingLake : ISalesLake
    {
        public Task<IReadOnlyList<string>> AppendAsync(IReadOnlyList<LakeRow> rows, CancellationToken cancellationToken) => throw new IOException("disk gone");

        public Task<IReadOnlyList<string>> WriteBatchAsync(string batchName, IReadOnlyList<LakeRow> rows, CancellationToken cancellationToken) => throw new IOException("disk gone");
    }
}
