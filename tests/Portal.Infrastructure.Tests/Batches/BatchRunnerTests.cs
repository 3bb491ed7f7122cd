using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Core.Pricing.Batches;
using Portal.Core.Pricing.Decisions;
using Portal.Core.Pricing.Similarity;

namespace Portal.Infrastructure.Tests.Batches;

public sealed class BatchRunnerTests(BatchTestHost host) : IClassFixture<BatchTestHost>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private async Task<string> SubmitAsync(int photos)
    {
        var files = BatchTestHost.Photos("shoes", photos);
        var csv = "image,category,condition\n" + string.Concat(files.Select(f => $"{f.File},shoes,very_good\n")) + "absent.jpg,shoes,good\n";
        var outcome = await host.Submitter().SubmitAsync(BatchTestHost.CsvUpload(csv, BatchTestHost.Zip([.. files.Select(f => (f.File, f.Bytes))])), Ct);
        return Assert.IsType<BatchSubmitOutcome.Accepted>(outcome).Batch.BatchId;
    }

    [Fact]
    public async Task PricesEveryPendingRowAndCompletesTheBatch()
    {
        var id = await SubmitAsync(4);

        Assert.True(await host.Runner().RunAsync(BatchTestHost.Demo, id, Ct));

        var rows = await host.Store.GetRowsAsync(BatchTestHost.Demo, id, Ct);
        Assert.Equal(4, rows.Count(r => r.Status == BatchRowStatus.Priced));
        Assert.All(rows.Where(r => r.Status == BatchRowStatus.Priced), r => Assert.True(r.Price!.Price > 0 && r.Price.RangeLow <= r.Price.Price && r.Price.Price <= r.Price.RangeHigh));
        Assert.Equal(BatchRowStatus.Invalid, rows[^1].Status);
        var batch = await host.Store.GetAsync(BatchTestHost.Demo, id, Ct);
        Assert.Equal((BatchStatus.Completed, (string?)null), (batch!.Status, batch.LeaseOwner));
    }

    [Fact]
    public async Task ABatchLeasedByAnotherLiveHostIsLeftAlone()
    {
        var id = await SubmitAsync(1);
        var now = DateTimeOffset.UtcNow;
        Assert.True(await host.Store.TryLeaseAsync(BatchTestHost.Demo, id, "another-host", now, now.AddMinutes(5), Ct));

        Assert.False(await host.Runner().RunAsync(BatchTestHost.Demo, id, Ct));
        Assert.Equal(BatchRowStatus.Pending, (await host.Store.GetRowsAsync(BatchTestHost.Demo, id, Ct))[0].Status);
    }

    [Fact]
    public async Task AStoppedRunGivesTheBatchBackAndASecondRunnerFinishesItPricingEachRowOnce()
    {
        var id = await SubmitAsync(6);
        using var stop = new CancellationTokenSource();
        var first = host.Runner();
        var run = first.RunAsync(BatchTestHost.Demo, id, stop.Token);
        while (BatchCounts.Of(await host.Store.GetRowsAsync(BatchTestHost.Demo, id, Ct)).Priced == 0)
        {
            await Task.Delay(20);
        }

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        var stopped = await host.Store.GetAsync(BatchTestHost.Demo, id, Ct);
        Assert.Equal((BatchStatus.Queued, (string?)null), (stopped!.Status, stopped.LeaseOwner));
        var pricedBefore = (await host.Store.GetRowsAsync(BatchTestHost.Demo, id, Ct)).Where(r => r.Price is not null).ToDictionary(r => r.Line, r => r.Price);
        Assert.InRange(pricedBefore.Count, 1, 5);

        var second = host.Runner();
        Assert.NotEqual(first.Owner, second.Owner);
        Assert.True(await second.RunAsync(BatchTestHost.Demo, id, Ct));

        var rows = await host.Store.GetRowsAsync(BatchTestHost.Demo, id, Ct);
        Assert.Equal(new BatchCounts(7, 0, 6, 0, 1, 0), BatchCounts.Of(rows));
        // Rows priced before the stop keep their first outcome: nothing was priced twice.
        Assert.All(pricedBefore, p => Assert.Equal(p.Value, rows.Single(r => r.Line == p.Key).Price));
    }

    [Fact]
    public async Task TheWorkerResumesEveryUnfinishedBatchWhoseLeaseRanOut()
    {
        var id = await SubmitAsync(2);
        var past = DateTimeOffset.UtcNow.AddMinutes(-10);
        Assert.True(await host.Store.TryLeaseAsync(BatchTestHost.Demo, id, "a-host-that-stopped", past, past.AddMinutes(1), Ct));
        var worker = new BatchPricingWorker(host.Store, host.Runner(), new BatchQueue(), new IndexLoadProgress(), Options.Create(new BatchOptions()), TimeProvider.System, NullLogger<BatchPricingWorker>.Instance);

        await worker.RunUnfinishedAsync(Ct);

        Assert.Equal(BatchStatus.Completed, (await host.Store.GetAsync(BatchTestHost.Demo, id, Ct))!.Status);
    }

    [Fact]
    public async Task AcceptingStrongMatchesRecordsOneDecisionPerRowHoweverOftenItIsAsked()
    {
        var id = await SubmitAsync(4);
        await host.Runner().RunAsync(BatchTestHost.Demo, id, Ct);
        var decisions = host.Services.GetRequiredService<BatchDecisions>();
        var strong = (await host.Store.GetRowsAsync(BatchTestHost.Demo, id, Ct)).Where(r => r.Verdict == BatchVerdict.Strong).ToList();
        Assert.NotEmpty(strong);

        var results = await Task.WhenAll(
            decisions.AcceptStrongMatchesAsync(BatchTestHost.Demo, id, "ana@example.com", Ct),
            decisions.AcceptStrongMatchesAsync(BatchTestHost.Demo, id, "bo@example.com", Ct));
        var again = await decisions.AcceptStrongMatchesAsync(BatchTestHost.Demo, id, "ana@example.com", Ct);

        Assert.Equal(strong.Count, results.Sum(r => r!.Value));
        Assert.Equal(0, again);
        var rows = await host.Store.GetRowsAsync(BatchTestHost.Demo, id, Ct);
        var store = host.Services.GetRequiredService<IPricingDecisionStore>();
        foreach (var row in strong)
        {
            var decided = rows.Single(r => r.Line == row.Line);
            Assert.Equal(BatchDecisions.DecisionIdOf(id, row.Line), decided.DecisionId);
            var decision = await store.GetAsync(BatchTestHost.Demo, decided.DecisionId!, Ct);
            Assert.Equal((row.Price!.Price, row.Price.Price, (string?)null), (decision!.SuggestedPrice, decision.FinalPrice, decision.OverrideReason));
        }

        Assert.All(rows.Where(r => r.Verdict != BatchVerdict.Strong), r => Assert.Null(r.DecisionId));
        Assert.Null(await decisions.AcceptStrongMatchesAsync(new("someone-else"), id, "ana@example.com", Ct));
    }
}
