using System.Security.Claims;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Core.Jobs;
using Portal.Core.Validation;
using Portal.Infrastructure.Embedded.Sqlite;
using Portal.Infrastructure.Hosting.Jobs;
using Portal.Web.Components.Pages.Validation;
using Portal.Web.Identity;
using Portal.Web.Tests.Components;

namespace Portal.Web.Tests.Validation;

/// <summary>"Run validation now" on the runs list: the real job runner, run store and nightly validation job.</summary>
public sealed class ValidationRunNowTests : PortalComponentTestBase
{
    private readonly ValidationPageBed _bed = new();
    private readonly DirectoryInfo _jobsFolder = Directory.CreateTempSubdirectory("portal-validation-run-now-");
    private readonly SqliteJobRunStore _jobRuns;
    private readonly JobRunner _runner;

    public ValidationRunNowTests()
    {
        _jobRuns = new SqliteJobRunStore(Path.Combine(_jobsFolder.FullName, "jobs.db"));
        _runner = new JobRunner([_bed.Job], _jobRuns, _bed.Time, Options.Create(new JobsOptions()), NullLogger<JobRunner>.Instance);
        Services.AddSingleton<IValidationReportStore>(_bed.Reports);
        Services.AddSingleton<IJobRunStore>(_jobRuns);
        Services.AddSingleton(_runner);
        Services.AddSingleton<TimeProvider>(_bed.Time);
        Authorization.SetAuthorized("ops@example.test");
        Authorization.SetRoles(PortalRoles.Ops);
        Authorization.SetClaims(new Claim(PortalClaims.Tenant, TenantValue));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _runner.DisposeAsync().AsTask().GetAwaiter().GetResult();
            _jobRuns.Dispose();
            _bed.Dispose();
            _jobsFolder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task RunNowStartsTheValidationJobAndLinksTheNewReportWhenItIsDone()
    {
        await _bed.AddAsync(TenantValue, 2025, 12, 40, inLake: 30);
        var page = Render<ValidationRuns>();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=validation-empty]")));

        page.Find("[data-testid=validation-run-now]").Click();

        page.WaitForAssertion(() => Assert.Contains("Nightly validation started.", page.Find("[data-testid=validation-run-started]").TextContent));
        Assert.True(page.Find("[data-testid=validation-run-now]").HasAttribute("disabled"));
        var run = await WaitForFinishedRunAsync();
        Assert.Equal(JobRunStatus.Succeeded, run.Status);
        _bed.Time.Advance(ValidationRuns.RunPollInterval);

        page.WaitForAssertion(() => Assert.Contains("Validation finished: 1 partitions", page.Find("[data-testid=validation-run-done]").TextContent));
        Assert.Equal($"ops/validation/{run.RunId:D}", page.Find("[data-testid=validation-run-now-link]").GetAttribute("href"));
        var row = page.Find("[data-testid=validation-run]");
        Assert.Equal(run.RunId.ToString("D"), row.GetAttribute("data-run-id"));
        Assert.Contains("Succeeded", row.QuerySelector("[data-testid=run-status]")!.TextContent);
        Assert.Equal("1", row.QuerySelector("[data-testid=run-over]")!.TextContent.Trim());
        Assert.False(page.Find("[data-testid=validation-run-now]").HasAttribute("disabled"));
    }

    [Fact]
    public async Task RunNowSaysClearlyWhenAValidationIsAlreadyRunningAndStartsNothing()
    {
        var going = new JobRun
        {
            RunId = Guid.NewGuid(), JobName = NightlyValidationJob.JobName, Trigger = JobContext.ScheduleTrigger,
            StartedAt = _bed.Time.GetUtcNow(), HeartbeatAt = _bed.Time.GetUtcNow(), Owner = "other-host",
        };
        Assert.Null(await _jobRuns.TryStartAsync(going, TimeSpan.FromMinutes(2), default));
        var page = Render<ValidationRuns>();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=validation-run-now]")));

        page.Find("[data-testid=validation-run-now]").Click();

        page.WaitForAssertion(() => Assert.Contains("already running", page.Find("[data-testid=validation-already-running]").TextContent));
        Assert.Contains("by schedule", page.Find("[data-testid=validation-already-running]").TextContent);
        Assert.True(page.Find("[data-testid=validation-run-now]").HasAttribute("disabled"));
        var recent = await _jobRuns.GetRecentAsync(NightlyValidationJob.JobName, 10, default);
        Assert.Equal(going.RunId, Assert.Single(recent).RunId);
        Assert.Empty(await _bed.Reports.ListAsync(null, 10, default));
    }

    [Fact]
    public void AnAnalystGetsNeitherReportsNorTheButton()
    {
        Authorization.SetRoles(PortalRoles.Analyst);

        var page = Render<ValidationRuns>();

        Assert.NotNull(page.Find("[data-testid=validation-denied]"));
        Assert.Empty(page.FindAll("[data-testid=validation-run-now]"));
    }

    private async Task<JobRun> WaitForFinishedRunAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            if ((await _jobRuns.GetRecentAsync(NightlyValidationJob.JobName, 1, default)).FirstOrDefault() is { Status: not JobRunStatus.Running } run)
            {
                return run;
            }

            await Task.Delay(20, timeout.Token);
        }
    }
}
