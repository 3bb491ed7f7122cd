using Npgsql;
using Portal.Core.Imports.SmartGo;
using Portal.Core.Jobs;
using Portal.Core.Sales;
using Portal.Infrastructure.SmartGo;

namespace Portal.Infrastructure.Tests.SmartGo;

[Collection(PostgresCollection.Name)]
public sealed class SmartGoImportJobTests(PostgresFixture postgres)
{
    private static readonly DateTimeOffset Day = new(2026, 2, 10, 9, 0, 0, TimeSpan.Zero);

    private async Task<SmartGoTestHost> HostAsync(int batchSize)
    {
        Skip.If(postgres.SkipReason is not null, postgres.SkipReason);
        return new SmartGoTestHost(await postgres.CreateSourceDatabaseAsync(), batchSize);
    }

    private static IEnumerable<SourceRow> Rows(int count, IReadOnlyList<string> photos, int start = 0) =>
        Enumerable.Range(start, count).Select(i => new SourceRow($"s{i:D5}", Day.AddMinutes(i), photos[i % photos.Count]));

    [SkippableFact]
    public async Task ImportsEveryRowIntoStoreAndLakeWithItsPhotoAndEmbedding()
    {
        await using var host = await HostAsync(batchSize: 4);
        var photos = await host.SavePhotosAsync(3);
        await host.InsertAsync(Rows(10, photos));
        var reports = new List<JobProgress>();

        var result = await host.RunAsync(progress: new SynchronousProgress(reports.Add));

        Assert.True(result.Succeeded);
        Assert.Equal("Read 10 rows: imported 10 (0 without a photo), 0 already present, skipped 0.", result.Summary);
        Assert.Equal((10, 10), (await host.StoreCountAsync(), await host.LakeCountAsync()));
        var sale = await host.Store.GetSaleAsync(new TenantId(SmartGoTestHost.Tenant), "s00004", default);
        Assert.NotNull(sale);
        Assert.Equal(("smartgo", 120.50m, "EUR", ItemCondition.VeryGood, Day.AddMinutes(4)), (sale.Source, sale.SoldPrice, sale.Currency, sale.Condition, sale.SoldAt));
        Assert.StartsWith("shop-1/", sale.ImageKey, StringComparison.Ordinal);
        var withEmbeddings = await CountEmbeddedAsync(host);
        Assert.Equal(10, withEmbeddings);
        Assert.Equal(new SmartGoWatermark(Day.AddMinutes(9), "s00009").Format(), await host.Watermarks.GetAsync(SmartGoImportJob.JobName, default));
        Assert.Equal(new JobProgress(10, 10, "10 imported, 0 already present, 0 skipped"), reports[^1]);
        Assert.Equal([0L, 4L, 8L, 10L], reports.Select(r => r.Done));
    }

    [SkippableFact]
    public async Task BadRowsAndBadPhotosAreSkippedAndCountedByReasonWhileTheRestIsImported()
    {
        await using var host = await HostAsync(batchSize: 5);
        var photos = await host.SavePhotosAsync(1);
        var good = photos[0];
        await host.InsertAsync(
        [
            new SourceRow("ok-1", Day, good),
            new SourceRow("ok-2", Day.AddMinutes(1), null),
            new SourceRow("zero", Day.AddMinutes(2), good) { Price = 0m },
            new SourceRow("negative", Day.AddMinutes(3), good) { Price = -5m },
            new SourceRow("absurd", Day.AddMinutes(4), good) { Price = 50_000_000m },
            new SourceRow("stranger", Day.AddMinutes(5), good) { TenantId = "nobody" },
            new SourceRow("bad-tenant", Day.AddMinutes(6), good) { TenantId = "Shop One" },
            new SourceRow("worn", Day.AddMinutes(7), good) { Condition = "worn" },
            new SourceRow("dollars", Day.AddMinutes(8), good) { Currency = "usd" },
            new SourceRow("category", Day.AddMinutes(9), good) { Category = "Hand Bags" },
            new SourceRow("future", DateTimeOffset.UtcNow.AddDays(3), good),
            new SourceRow("missing-photo", Day.AddMinutes(10), "shop-1/ab/" + new string('a', 64) + ".jpg"),
            new SourceRow("not-a-url", Day.AddMinutes(11), null) { ImageUrl = "file:///etc/passwd" },
        ]);

        var result = await host.RunAsync();

        Assert.True(result.Succeeded);
        Assert.Equal((2, 2), (await host.StoreCountAsync(), await host.LakeCountAsync()));
        Assert.StartsWith("Read 13 rows: imported 2 (1 without a photo), 0 already present, skipped 11: ", result.Summary, StringComparison.Ordinal);
        foreach (var expected in (string[])["price missing or not above zero 2", "price above the EUR limit 10,000,000 (Pricing:PriceLimits:DefaultMaximum) 1", "unknown tenant 1", "invalid tenant id 1",
                     "unknown condition 1", "invalid currency (ISO 4217, three upper-case letters) 1", "invalid category (1-64 lower-case letters, digits or dashes) 1",
                     "sold in the future 1", "image unavailable 1", "invalid image url 1"])
        {
            Assert.Contains(expected, result.Summary, StringComparison.Ordinal);
        }

        Assert.Null((await host.Store.GetSaleAsync(new TenantId(SmartGoTestHost.Tenant), "ok-2", default))!.ImageKey);
    }

    [SkippableFact]
    public async Task ACancelledImportResumesAfterItsLastBatchWithNothingLostOrDoubled()
    {
        await using var host = await HostAsync(batchSize: 10);
        var photos = await host.SavePhotosAsync(2);
        await host.InsertAsync(Rows(35, photos));
        using var stop = new CancellationTokenSource();

        // Stop as soon as the second batch is committed, as a host shutting down would.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            host.RunAsync(stop.Token, new SynchronousProgress(p => { if (p.Done >= 20) { stop.Cancel(); } })));
        Assert.Equal((20, 20), (await host.StoreCountAsync(), await host.LakeCountAsync()));

        var resumed = await host.RunAsync();

        Assert.StartsWith("Read 15 rows: imported 15", resumed.Summary, StringComparison.Ordinal);
        Assert.Equal((35, 35), (await host.StoreCountAsync(), await host.LakeCountAsync()));
    }

    [SkippableFact]
    public async Task APhotoHostThatKeepsFailingFailsTheRunAndTheNextRunPicksUpFromTheLastCommittedBatch()
    {
        await using var host = await HostAsync(batchSize: 5);
        var photos = await host.SavePhotosAsync(3);
        await host.InsertAsync(Rows(12, photos.Take(2).ToList()));
        await host.InsertAsync([new SourceRow("s00012", Day.AddMinutes(12), photos[2])]);
        host.FailingImageKey = photos[2];

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => host.RunAsync());

        Assert.Contains("s00012", failure.Message, StringComparison.Ordinal);
        Assert.Contains("3 attempts", failure.Message, StringComparison.Ordinal);
        Assert.Equal((10, 10), (await host.StoreCountAsync(), await host.LakeCountAsync()));
        Assert.Equal(new SmartGoWatermark(Day.AddMinutes(9), "s00009").Format(), await host.Watermarks.GetAsync(SmartGoImportJob.JobName, default));

        host.FailingImageKey = null;
        var retried = await host.RunAsync();

        Assert.Equal("Read 3 rows: imported 3 (0 without a photo), 0 already present, skipped 0.", retried.Summary);
        Assert.Equal((13, 13), (await host.StoreCountAsync(), await host.LakeCountAsync()));
    }

    [SkippableFact]
    public async Task AReplayedBatchAddsNothingAndALaterRunTakesOnlyNewRows()
    {
        await using var host = await HostAsync(batchSize: 4);
        var photos = await host.SavePhotosAsync(1);
        await host.InsertAsync(Rows(6, photos));
        await host.RunAsync();

        // As after a crash between the write and the watermark: the last batch is read again.
        await host.Watermarks.SetAsync(SmartGoImportJob.JobName, new SmartGoWatermark(Day.AddMinutes(3), "s00003").Format(), default);
        await host.InsertAsync(Rows(3, photos, start: 6));
        var second = await host.RunAsync();

        Assert.Equal("Read 5 rows: imported 3 (0 without a photo), 2 already present, skipped 0.", second.Summary);
        Assert.Equal((9, 9), (await host.StoreCountAsync(), await host.LakeCountAsync()));
    }

    [SkippableFact]
    public async Task RowsSharingOneSaleTimeAcrossBatchBoundariesAreAllImportedOnce()
    {
        await using var host = await HostAsync(batchSize: 2);
        var photos = await host.SavePhotosAsync(1);
        await host.InsertAsync(Enumerable.Range(0, 7).Select(i => new SourceRow($"tie-{i}", Day, photos[0])));

        var result = await host.RunAsync();

        Assert.StartsWith("Read 7 rows: imported 7", result.Summary, StringComparison.Ordinal);
        Assert.Equal((7, 7), (await host.StoreCountAsync(), await host.LakeCountAsync()));
    }

    [SkippableFact]
    public async Task TheReplicaIsReadOnlyForTheImport()
    {
        Skip.If(postgres.SkipReason is not null, postgres.SkipReason);
        await using var source = new SmartGoSource(await postgres.CreateSourceDatabaseAsync(), TimeSpan.FromSeconds(30));
        var (connection, transaction) = await source.OpenReadOnlyAsync(default);
        await using (connection)
        await using (transaction)
        {
            await using var insert = new NpgsqlCommand(
                "INSERT INTO smartgo.sales (sale_id, tenant_id, product_id, category, sold_price, currency, sold_at) VALUES ('x', 'shop-1', 'p', 'c', 1, 'EUR', now())",
                connection, transaction);

            var refused = await Assert.ThrowsAsync<PostgresException>(() => insert.ExecuteNonQueryAsync());

            Assert.Equal(PostgresErrorCodes.ReadOnlySqlTransaction, refused.SqlState);
        }
    }

    private static async Task<int> CountEmbeddedAsync(SmartGoTestHost host)
    {
        var count = 0;
        await foreach (var (_, embedding) in host.Store.StreamSalesAsync(new TenantId(SmartGoTestHost.Tenant), default))
        {
            count += embedding is { Dimension: > 0 } ? 1 : 0;
        }

        return count;
    }

    /// <summary>Reports on the caller's thread (unlike <see cref="Progress{T}"/>), so a test sees every report in order.</summary>
    private sealed class SynchronousProgress(Action<JobProgress> report) : IProgress<JobProgress>
    {
        public void Report(JobProgress value) => report(value);
    }
}
