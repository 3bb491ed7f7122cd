using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Jobs;
using Portal.Infrastructure.Embedded.Sqlite;
using Portal.Infrastructure.Hosting.Jobs;

namespace Portal.Infrastructure.Tests.Jobs;

public sealed class JobRunnerTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 1, 0, 0, TimeSpan.Zero);
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("portal-job-runner-");
    private readonly FakeTimeProvider _time = new(T0);
    private readonly SqliteJobRunStore _runs;
    private readonly GatedTestJob _job = new("smartgo-import");
    private readonly JobRunner _runner;

    public JobRunnerTests()
    {
        _runs = new SqliteJobRunStore(Path.Combine(_root.FullName, "sales.db"));
        _runner = new JobRunner([_job, new GatedTestJob("validation")], _runs, _time, Options.Create(new JobsOptions()), NullLogger<JobRunner>.Instance);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _runner.DisposeAsync();
        _runs.Dispose();
        _root.Delete(recursive: true);
    }

    private async Task<JobRun> WaitForRunAsync(Guid runId, Func<JobRun, bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var run = await _runs.GetAsync(runId, default);
            if (run is not null && condition(run))
            {
                return run;
            }

            await Task.Delay(20, timeout.Token);
        }
    }

    [Fact]
    public async Task RunNowRecordsTheRunWithItsTriggerProgressAndResult()
    {
        var result = await _runner.TriggerAsync("smartgo-import", "ops@example.test", default);
        Assert.Equal(JobTriggerOutcome.Started, result.Outcome);
        await _job.Started;

        var running = await WaitForRunAsync(result.RunId!.Value, r => r.Progress is not null);
        Assert.Equal((JobRunStatus.Running, "manual:ops@example.test"), (running.Status, running.Trigger));
        // The clock did not move: only the first report was written, the second waits for the interval or the end.
        Assert.Equal(new JobProgress(1, 10, "one"), running.Progress);

        _time.Advance(TimeSpan.FromMinutes(2));
        _job.Succeed("Read 10 rows", "/ops/report/1");
        var finished = await WaitForRunAsync(result.RunId.Value, r => r.Status != JobRunStatus.Running);

        Assert.Equal(JobRunStatus.Succeeded, finished.Status);
        Assert.Equal(("Read 10 rows", "/ops/report/1"), (finished.Summary, finished.DetailUrl));
        Assert.Equal(new JobProgress(2, 10, "two"), finished.Progress);
        Assert.Equal(TimeSpan.FromMinutes(2), finished.Duration);
    }

    [Fact]
    public async Task RunNowWhileTheJobRunsSaysSoAndStartsNothing()
    {
        var first = await _runner.TriggerAsync("smartgo-import", "ops", default);
        await _job.Started;

        var second = await _runner.TriggerAsync("smartgo-import", "admin", default);

        Assert.Equal(JobTriggerOutcome.AlreadyRunning, second.Outcome);
        Assert.Equal(first.RunId, second.RunId);
        Assert.Contains("already running", second.Message, StringComparison.Ordinal);
        Assert.Equal(1, _job.Runs);
        _job.Succeed("done");
        await WaitForRunAsync(first.RunId!.Value, r => r.Status == JobRunStatus.Succeeded);
    }

    [Fact]
    public async Task AJobThatThrowsIsRecordedAsFailedWithTheError()
    {
        var result = await _runner.TriggerAsync("smartgo-import", "ops", default);
        _job.Fail(new InvalidOperationException("SmartGo:ConnectionString is not set"));

        var run = await WaitForRunAsync(result.RunId!.Value, r => r.Status != JobRunStatus.Running);

        Assert.Equal((JobRunStatus.Failed, "SmartGo:ConnectionString is not set"), (run.Status, run.Error));
        Assert.Equal(JobTriggerOutcome.Started, (await _runner.TriggerAsync("smartgo-import", "ops", default)).Outcome);
    }

    [Fact]
    public async Task ARunningJobRecordsAHeartbeatEveryIntervalUnderThisHostsName()
    {
        var result = await _runner.TriggerAsync("smartgo-import", "ops", default);
        await _job.Started;

        _time.Advance(new JobsOptions().HeartbeatInterval);

        var run = await WaitForRunAsync(result.RunId!.Value, r => r.HeartbeatAt > T0);
        Assert.Equal((Environment.MachineName, T0.AddSeconds(30)), (run.Owner, run.HeartbeatAt));
        _job.Succeed("done");
    }

    [Fact]
    public async Task AnUnknownJobIsRefused()
    {
        var result = await _runner.TriggerAsync("nightly-nothing", "ops", default);

        Assert.Equal(JobTriggerOutcome.UnknownJob, result.Outcome);
        Assert.Null(result.RunId);
    }

    [Fact]
    public async Task StoppingTheHostInterruptsTheRunningJob()
    {
        var result = await _runner.TriggerAsync("smartgo-import", "ops", default);
        await _job.Started;

        await _runner.StopAsync(default);

        var run = await _runs.GetAsync(result.RunId!.Value, default);
        Assert.Equal(JobRunStatus.Interrupted, run!.Status);
        Assert.NotNull(run.Error);
    }

    [Fact]
    public async Task TheSchedulerPathRunsToTheEndAndReturnsTheRecordedRun()
    {
        var running = _runner.RunAsync("smartgo-import", JobContext.ScheduleTrigger, default);
        await _job.Started;
        _job.Succeed("nightly");

        var (result, run) = await running;

        Assert.Equal(JobTriggerOutcome.Started, result.Outcome);
        Assert.Equal((JobRunStatus.Succeeded, "schedule", "nightly"), (run!.Status, run.Trigger, run.Summary));
    }

    [Fact]
    public void EachJobIsDescribedWithItsCronAndNextFireTimeInUtc()
    {
        var jobs = _runner.Describe();

        Assert.Equal(["smartgo-import", "validation"], jobs.Select(j => j.Name));
        Assert.Equal("0 0 2 * * ?", jobs[0].Cron);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 2, 0, 0, TimeSpan.Zero), jobs[0].NextFireAt);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 3, 0, 0, TimeSpan.Zero), jobs[1].NextFireAt);
    }

    [Fact]
    public async Task AHostThatDoesNotScheduleShowsNoNextFireTime()
    {
        await using var runner = new JobRunner([new GatedTestJob("smartgo-import")], _runs, _time,
            Options.Create(new JobsOptions { Enabled = false }), NullLogger<JobRunner>.Instance);

        var job = Assert.Single(runner.Describe());

        Assert.Equal("0 0 2 * * ?", job.Cron);
        Assert.Null(job.NextFireAt);
    }
}
