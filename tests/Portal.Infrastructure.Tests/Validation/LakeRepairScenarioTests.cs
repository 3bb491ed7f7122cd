using System.Net;
using System.Text.Json;
using Portal.Core.Jobs;
using Portal.Core.Sales;
using Portal.Core.Validation;
using Portal.Infrastructure.Http;
using Portal.Infrastructure.Tests.Alerts;

namespace Portal.Infrastructure.Tests.Validation;

public sealed class LakeRepairScenarioTests
{
    private static readonly SalesPartition December = new(new TenantId("demo"), 2025, 12);

    [Fact]
    public async Task LostLakeFilesAreFlaggedAlertedRepairedAndThenValidateClean()
    {
        using var webhook = new LoopbackWebhook();
        using var webhookSink = new WebhookAlertSink(new AlertOptions { WebhookUrl = webhook.Url });
        using var bed = new ValidationTestBed([webhookSink]);
        await bed.WriteBothAsync(ValidationTestBed.Month("demo", 2025, 12, 40, "first"));
        await bed.WriteBothAsync(ValidationTestBed.Month("demo", 2025, 12, 20, "second"));
        await bed.WriteBothAsync(ValidationTestBed.Month("demo", 2025, 11, 30, "november"));
        var decemberFolder = Path.Combine(bed.LakeRoot, "sales_history", "tenant_id=demo", "year=2025", "month=12");
        var lost = Directory.GetFiles(decemberFolder, "*.parquet").Select(f => new FileInfo(f)).OrderBy(f => f.Length).First();
        lost.Delete(); // the 20-row file

        var firstRun = Guid.NewGuid();
        var result = await bed.RunAsync(firstRun);

        Assert.True(result.Succeeded);
        Assert.Equal($"/ops/validation/{firstRun:D}", result.DetailUrl);
        var report = (await bed.Reports.GetAsync(firstRun, null, default))!;
        Assert.Equal(ValidationRunStatus.Succeeded, report.Status);
        var flagged = Assert.Single(report.Partitions, p => p.OverThreshold);
        Assert.Equal(December, flagged.Partition);
        Assert.Equal((60L, 40L), (flagged.StoreCount, flagged.LakeCount));
        var alert = Assert.Single(report.Alerts);
        Assert.Equal("demo", alert.Tenant?.Value);
        Assert.Equal(alert, Assert.Single(bed.Recorded.Alerts));
        using (var posted = JsonDocument.Parse(Assert.Single(webhook.Requests).Body))
        {
            Assert.Equal(result.DetailUrl, posted.RootElement.GetProperty("detail_url").GetString());
        }

        var dryRun = await bed.Repairer.DryRunAsync(December, "ops@example.test", firstRun, default);
        Assert.Equal(20, dryRun.MissingSaleIds.Count);
        Assert.All(dryRun.MissingSaleIds, id => Assert.StartsWith("second-", id));
        Assert.Equal(0, dryRun.WrittenCount);
        Assert.Single(Directory.GetFiles(decemberFolder, "*.parquet"));

        var applied = await bed.Repairer.ApplyAsync(December, "ops@example.test", firstRun, default);
        Assert.Equal(20, applied.WrittenCount);
        var again = await bed.Repairer.ApplyAsync(December, "ops@example.test", firstRun, default);
        Assert.Equal(0, again.WrittenCount);

        var secondRun = Guid.NewGuid();
        Assert.True((await bed.RunAsync(secondRun)).Succeeded);
        var clean = (await bed.Reports.GetAsync(secondRun, null, default))!;
        Assert.All(clean.Partitions, p => Assert.Equal(p.StoreCount, p.LakeCount));
        Assert.DoesNotContain(clean.Partitions, p => p.OverThreshold);
        Assert.DoesNotContain(clean.Findings, f => f.Kind == ValidationFindingKind.DuplicateLakeRows);
        Assert.Empty(clean.Alerts);
        Assert.Single(bed.Recorded.Alerts);

        var audit = await bed.Reports.ListRepairAuditAsync(null, firstRun, 10, default);
        Assert.Equal(3, audit.Count);
        Assert.Equal(1, audit.Count(a => a.DryRun && a.MissingCount == 20 && a.WrittenCount == 0));
        Assert.Equal(1, audit.Count(a => !a.DryRun && a.MissingCount == 0 && a.WrittenCount == 0));
        Assert.All(audit, a => Assert.Equal("ops@example.test", a.Actor));
        Assert.All(audit, a => Assert.Equal(December, a.Partition));
        Assert.Contains(audit, a => !a.DryRun && a.MissingCount == 20 && a.WrittenCount == 20);
    }

    [Fact]
    public async Task ARepairLeavesSalesStillInTheOutboxToTheLakeWriter()
    {
        using var bed = new ValidationTestBed();
        await bed.WriteBothAsync(ValidationTestBed.Month("demo", 2025, 12, 10, "drained"));
        // Stored with their outbox rows but not drained yet: the lake writer owns them.
        await bed.Store.AddSalesWithOutboxAsync(ValidationTestBed.Month("demo", 2025, 12, 5, "pending"), default);

        var dryRun = await bed.Repairer.DryRunAsync(December, "ops@example.test", null, default);
        var applied = await bed.Repairer.ApplyAsync(December, "ops@example.test", null, default);

        Assert.Empty(dryRun.MissingSaleIds);
        Assert.Equal(0, applied.WrittenCount);
        var batch = await bed.Store.ClaimBatchAsync(100, default);
        Assert.Equal(5, batch!.Rows.Count);
    }

    [Fact]
    public async Task AFailingWebhookDoesNotFailTheRunAndTheOtherSinksStillGetTheAlert()
    {
        using var webhook = new LoopbackWebhook(HttpStatusCode.ServiceUnavailable);
        using var webhookSink = new WebhookAlertSink(new AlertOptions { WebhookUrl = webhook.Url });
        var afterWebhook = new RecordingAlertSink();
        using var bed = new ValidationTestBed([webhookSink, afterWebhook]);
        await bed.Store.AddSalesAsync(ValidationTestBed.Month("demo", 2025, 12, 10, "only-in-store"), default);

        var runId = Guid.NewGuid();
        var result = await bed.RunAsync(runId);

        Assert.True(result.Succeeded);
        Assert.Single(webhook.Requests);
        Assert.Single(afterWebhook.Alerts);
        var report = (await bed.Reports.GetAsync(runId, null, default))!;
        Assert.Equal(ValidationRunStatus.Succeeded, report.Status);
        Assert.Single(report.Alerts);
    }

    [Fact]
    public async Task AnUnreachableWebhookDoesNotFailTheRun()
    {
        using var webhookSink = new WebhookAlertSink(new AlertOptions { WebhookUrl = "http://127.0.0.1:9/unreachable", WebhookTimeout = TimeSpan.FromSeconds(5) });
        using var bed = new ValidationTestBed([webhookSink]);
        await bed.Store.AddSalesAsync(ValidationTestBed.Month("demo", 2025, 12, 10, "only-in-store"), default);

        var result = await bed.RunAsync();

        Assert.True(result.Succeeded);
        Assert.Single(bed.Recorded.Alerts);
    }

    [Theory]
    [InlineData(2025, 0)]
    [InlineData(2025, 13)]
    [InlineData(1969, 5)]
    public async Task RejectsARepairOfAnImpossiblePartitionAndAuditsNothing(int year, int month)
    {
        using var bed = new ValidationTestBed();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            bed.Repairer.ApplyAsync(new SalesPartition(new TenantId("demo"), year, month), "ops@example.test", null, default));

        Assert.Empty(await bed.Reports.ListRepairAuditAsync(null, null, 10, default));
    }

    [Fact]
    public async Task ARepairNeedsAnActor()
    {
        using var bed = new ValidationTestBed();

        await Assert.ThrowsAsync<ArgumentException>(() => bed.Repairer.DryRunAsync(December, " ", null, default));
    }

    [Fact]
    public async Task AFailedValidationIsRecordedAsFailedWithACriticalAlert()
    {
        using var bed = new ValidationTestBed();
        // A lake file that is not Parquet makes DuckDB fail the scan.
        var folder = Path.Combine(bed.LakeRoot, "sales_history", "tenant_id=demo", "year=2025", "month=12");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "part-broken.parquet"), "this is not parquet");

        var runId = Guid.NewGuid();
        var result = await bed.RunAsync(runId);

        Assert.False(result.Succeeded);
        var report = (await bed.Reports.GetAsync(runId, null, default))!;
        Assert.Equal(ValidationRunStatus.Failed, report.Status);
        Assert.NotNull(report.Error);
        Assert.NotNull(report.FinishedAt);
        Assert.Equal(AlertSeverity.Critical, Assert.Single(bed.Recorded.Alerts).Severity);
    }
}
