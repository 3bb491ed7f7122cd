using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Jobs;
using Portal.Infrastructure.Embedded.Sqlite;
using Portal.Infrastructure.Hosting.Jobs;
using Portal.Web.Identity;
using Portal.Web.Tests.Components;
using JobsPage = Portal.Web.Components.Pages.Jobs.Jobs;

namespace Portal.Web.Tests.Jobs;

public sealed class JobsPageTests : PortalComponentTest
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 1, 30, 0, TimeSpan.Zero);
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("portal-jobs-page-");
    private readonly FakeTimeProvider _time = new(T0);
    private readonly SqliteJobRunStore _runs;
    private readonly StepJob _import = new("smartgo-import", "SmartGo import");
    private readonly JobRunner _runner;

    public JobsPageTests()
    {
        _runs = new SqliteJobRunStore(Path.Combine(_root.FullName, "sales.db"));
        var options = new JobsOptions();
        options.Schedules.Remove("validation");
        _runner = new JobRunner([_import, new StepJob("validation", "Nightly validation")], _runs, _time, Options.Create(options), NullLogger<JobRunner>.Instance);
        Services.AddSingleton<IJobRunStore>(_runs);
        Services.AddSingleton(_runner);
        Services.AddSingleton<TimeProvider>(_time);
        SignIn("demo", PortalRoles.Ops);
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        await _runner.DisposeAsync();
        _runs.Dispose();
        _root.Delete(recursive: true);
    }

    [Fact]
    public void EachJobShowsItsScheduleNextFireTimeAndThatItHasNotRun()
    {
        var page = Render<JobsPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid^=job-]").Count));
        var import = page.Find("[data-testid=job-smartgo-import]");
        Assert.Contains("SmartGo import", import.TextContent);
        Assert.Contains("0 0 2 * * ?", import.QuerySelector("[data-testid=schedule]")!.TextContent);
        Assert.Contains("next run 2026-03-01 02:00:00", import.QuerySelector("[data-testid=schedule]")!.TextContent);
        Assert.NotNull(import.QuerySelector("[data-testid=no-runs]"));
        Assert.Contains("On demand only", page.Find("[data-testid=job-validation] [data-testid=schedule]").TextContent);
    }

    [Fact]
    public async Task RunNowShowsTheProgressBarDisablesTheButtonAndEndsWithTheSummary()
    {
        var page = Render<JobsPage>();
        page.WaitForAssertion(() => page.Find("[data-testid=job-smartgo-import] [data-testid=run-now]"));

        page.Find("[data-testid=job-smartgo-import] [data-testid=run-now]").Click();
        await _import.Started;
        await WaitForRunAsync(r => r.Progress is not null);
        _time.Advance(JobsPage.RefreshInterval);

        page.WaitForAssertion(() => Assert.Contains("40 of 100 (40 %)", page.Find("[data-testid=job-smartgo-import] [data-testid=progress-text]").TextContent));
        Assert.True(page.Find("[data-testid=job-smartgo-import] [data-testid=run-now]").HasAttribute("disabled"));
        Assert.False(page.Find("[data-testid=job-validation] [data-testid=run-now]").HasAttribute("disabled"));
        Assert.Contains("SmartGo import started.", page.Find("[data-testid=jobs-message]").TextContent);
        Assert.Contains("Run now by ops@example.com", page.Find("[data-testid=job-smartgo-import] [data-testid=trigger]").TextContent);

        _time.Advance(TimeSpan.FromSeconds(90)); // 1 s refresh + 90 s: the run lasts 1m 31s.
        _import.Finish(new JobResult(true, "Read 100 rows: imported 100.", "/ops/validation/runs/1"));
        await WaitForRunAsync(r => r.Status == JobRunStatus.Succeeded);
        _time.Advance(JobsPage.RefreshInterval);

        page.WaitForAssertion(() => Assert.Equal("Succeeded", page.Find("[data-testid=job-smartgo-import] [data-testid=status]").TextContent.Trim()));
        var card = page.Find("[data-testid=job-smartgo-import]");
        Assert.Empty(card.QuerySelectorAll("[data-testid=progress]"));
        Assert.False(card.QuerySelector("[data-testid=run-now]")!.HasAttribute("disabled"));
        Assert.Contains("Read 100 rows: imported 100.", card.QuerySelector("[data-testid=summary]")!.TextContent);
        Assert.Equal("/ops/validation/runs/1", card.QuerySelector("[data-testid=detail]")!.GetAttribute("href"));
        Assert.Contains("1m 31s", card.QuerySelector("[data-testid=duration]")!.TextContent);
    }

    [Fact]
    public async Task ARunGoingInAnotherHostDisablesRunNowAndShowsItsProgress()
    {
        var elsewhere = new JobRun { RunId = Guid.NewGuid(), JobName = "smartgo-import", Trigger = JobContext.ScheduleTrigger, StartedAt = T0.AddMinutes(-5) };
        await _runs.TryStartAsync(elsewhere, TimeSpan.FromMinutes(2), default);
        await _runs.UpdateProgressAsync(elsewhere.RunId, new JobProgress(250, 1000, "250 imported"), default);

        var page = Render<JobsPage>();

        page.WaitForAssertion(() => Assert.Contains("250 of 1,000 (25 %) · 250 imported", page.Find("[data-testid=job-smartgo-import] [data-testid=progress-text]").TextContent));
        Assert.True(page.Find("[data-testid=job-smartgo-import] [data-testid=run-now]").HasAttribute("disabled"));
        Assert.Equal("Schedule", page.Find("[data-testid=job-smartgo-import] [data-testid=trigger]").TextContent.Trim());
        Assert.Equal(0, _import.Runs);
    }

    [Fact]
    public async Task AFailedRunShowsItsErrorAndAnOffSiteDetailUrlIsNotLinked()
    {
        var failed = new JobRun { RunId = Guid.NewGuid(), JobName = "validation", Trigger = "manual:admin", StartedAt = T0.AddHours(-1) };
        await _runs.TryStartAsync(failed, TimeSpan.FromMinutes(2), default);
        await _runs.FinishAsync(failed.RunId, JobRunStatus.Failed, T0.AddHours(-1).AddSeconds(4), "Half done", "https://evil.example/x", "The lake is unreadable", default);

        var page = Render<JobsPage>();

        page.WaitForAssertion(() => Assert.Equal("Failed", page.Find("[data-testid=job-validation] [data-testid=status]").TextContent.Trim()));
        var card = page.Find("[data-testid=job-validation]");
        Assert.Contains("The lake is unreadable", card.QuerySelector("[data-testid=error]")!.TextContent);
        Assert.Null(card.QuerySelector("[data-testid=detail]"));
        Assert.Contains("4.0s", card.QuerySelector("[data-testid=duration]")!.TextContent);
    }

    [Fact]
    public async Task ThePageStopsRefreshingOnceDisposed()
    {
        var page = Render<JobsPage>();
        page.WaitForAssertion(() => page.Find("[data-testid=job-smartgo-import]"));
        var before = page.RenderCount;

        await page.Instance.DisposeAsync();
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(before, page.RenderCount);
    }

    private async Task WaitForRunAsync(Func<JobRun, bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while ((await _runs.GetRecentAsync("smartgo-import", 1, default)).FirstOrDefault() is not { } run || !condition(run))
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    /// <summary>A small real job: reports 40 of 100, then waits for the test to finish it.</summary>
    private sealed class StepJob(string name, string displayName) : IPortalJob
    {
        private readonly TaskCompletionSource<JobResult> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Name => name;

        public string DisplayName => displayName;

        public int Runs { get; private set; }

        public Task Started => _started.Task;

        public void Finish(JobResult result) => _result.TrySetResult(result);

        public async Task<JobResult> RunAsync(JobContext context, CancellationToken cancellationToken)
        {
            Runs++;
            context.Progress.Report(new JobProgress(40, 100, null));
            _started.TrySetResult();
            return await _result.Task.WaitAsync(cancellationToken);
        }
    }
}
