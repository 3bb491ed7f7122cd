using Portal.Infrastructure.Jobs;
using Portal.Pricing.Operations;

namespace Portal.Infrastructure.Tests.Jobs;

public sealed class SqliteJobRunStoreTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 2, 0, 0, TimeSpan.Zero);
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("portal-job-runs-");
    private readonly SqliteJobRunStore _store;

    public SqliteJobRunStoreTests() => _store = new SqliteJobRunStore(Path.Combine(_root.FullName, "sales.db"));

    public void Dispose()
    {
        _store.Dispose();
        _root.Delete(recursive: true);
    }

    private static JobRun Run(string job, DateTimeOffset at, string trigger = JobContext.ScheduleTrigger) =>
        new() { RunId = Guid.NewGuid(), JobName = job, Trigger = trigger, StartedAt = at };

    [Fact]
    public async Task ASecondRunOfTheSameJobIsRefusedWhileTheFirstIsRunning()
    {
        var first = Run("smartgo-import", T0);
        Assert.Null(await _store.TryStartAsync(first, default));

        var refusedBy = await _store.TryStartAsync(Run("smartgo-import", T0.AddSeconds(1), "manual:ops"), default);

        Assert.Equal(first.RunId, refusedBy?.RunId);
        Assert.Single(await _store.GetRecentAsync("smartgo-import", 10, default));
        Assert.Null(await _store.TryStartAsync(Run("validation", T0), default));
    }

    [Fact]
    public async Task ConcurrentStartsOfOneJobLetExactlyOneThrough()
    {
        var attempts = Enumerable.Range(0, 8).Select(i => Task.Run(() => _store.TryStartAsync(Run("validation", T0.AddMilliseconds(i)), default)));

        var results = await Task.WhenAll(attempts);

        Assert.Equal(1, results.Count(r => r is null));
        Assert.Single(await _store.GetRecentAsync("validation", 10, default));
    }

    [Fact]
    public async Task AFinishedRunKeepsItsResultAndFreesTheJob()
    {
        var run = Run("smartgo-import", T0);
        await _store.TryStartAsync(run, default);
        await _store.UpdateProgressAsync(run.RunId, new JobProgress(40, 100, "40 imported"), default);
        await _store.FinishAsync(run.RunId, JobRunStatus.Succeeded, T0.AddMinutes(3), "Read 100 rows", "/ops/x", null, default);

        var stored = await _store.GetAsync(run.RunId, default);
        Assert.NotNull(stored);
        Assert.Equal(JobRunStatus.Succeeded, stored.Status);
        Assert.Equal(TimeSpan.FromMinutes(3), stored.Duration);
        Assert.Equal(new JobProgress(40, 100, "40 imported"), stored.Progress);
        Assert.Equal(("Read 100 rows", "/ops/x"), (stored.Summary, stored.DetailUrl));
        Assert.Null(await _store.TryStartAsync(Run("smartgo-import", T0.AddMinutes(5)), default));
    }

    [Fact]
    public async Task AFinishedRunCannotBeFinishedAgainOrGetProgress()
    {
        var run = Run("validation", T0);
        await _store.TryStartAsync(run, default);
        await _store.FinishAsync(run.RunId, JobRunStatus.Failed, T0.AddMinutes(1), null, null, "boom", default);

        await _store.FinishAsync(run.RunId, JobRunStatus.Succeeded, T0.AddMinutes(2), "late", null, null, default);
        await _store.UpdateProgressAsync(run.RunId, new JobProgress(5, null, null), default);

        var stored = await _store.GetAsync(run.RunId, default);
        Assert.Equal((JobRunStatus.Failed, "boom"), (stored!.Status, stored.Error));
        Assert.Null(stored.Progress);
    }

    [Fact]
    public async Task RunsLeftRunningAreMarkedInterruptedAtStartUp()
    {
        var left = Run("smartgo-import", T0);
        var done = Run("validation", T0);
        await _store.TryStartAsync(left, default);
        await _store.TryStartAsync(done, default);
        await _store.FinishAsync(done.RunId, JobRunStatus.Succeeded, T0.AddMinutes(1), "ok", null, null, default);

        // A new process opening the same file.
        using var restarted = new SqliteJobRunStore(Path.Combine(_root.FullName, "sales.db"));
        Assert.Equal(1, await restarted.MarkRunningAsInterruptedAsync(T0.AddHours(1), default));

        Assert.Equal(JobRunStatus.Interrupted, (await restarted.GetAsync(left.RunId, default))!.Status);
        Assert.Equal(JobRunStatus.Succeeded, (await restarted.GetAsync(done.RunId, default))!.Status);
        Assert.Null(await restarted.TryStartAsync(Run("smartgo-import", T0.AddHours(1)), default));
    }

    [Fact]
    public async Task RecentRunsComeNewestFirstAndLimited()
    {
        for (var i = 0; i < 5; i++)
        {
            var run = Run("validation", T0.AddDays(i));
            await _store.TryStartAsync(run, default);
            await _store.FinishAsync(run.RunId, JobRunStatus.Succeeded, T0.AddDays(i).AddMinutes(1), $"day {i}", null, null, default);
        }

        var recent = await _store.GetRecentAsync("validation", 3, default);

        Assert.Equal(["day 4", "day 3", "day 2"], recent.Select(r => r.Summary));
        Assert.Empty(await _store.GetRecentAsync("smartgo-import", 3, default));
    }
}
