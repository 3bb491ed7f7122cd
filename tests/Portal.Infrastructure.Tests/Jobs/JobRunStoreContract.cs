using Portal.Core.Jobs;

namespace Portal.Infrastructure.Tests.Jobs;

/// <summary>
/// The behaviour every <see cref="IJobRunStore"/> must have, above all the one-Running-run-per-job guard. SQLite and DynamoDB each
/// derive once: <see cref="OpenStoreAsync"/> opens another instance over the same test's storage (a second host, or a restart).
/// </summary>
public abstract class JobRunStoreContract : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2026, 3, 1, 2, 0, 0, TimeSpan.Zero);
    protected static readonly TimeSpan Stale = TimeSpan.FromMinutes(2);

    private IJobRunStore _store = null!;

    /// <summary>Prepares this test's empty storage.</summary>
    protected abstract Task CreateStorageAsync();

    /// <summary>A new store instance over this test's storage.</summary>
    protected abstract IJobRunStore OpenStore();

    public async Task InitializeAsync()
    {
        await CreateStorageAsync();
        _store = OpenStore();
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    protected static JobRun Run(string job, DateTimeOffset at, string trigger = JobContext.ScheduleTrigger) =>
        new() { RunId = Guid.NewGuid(), JobName = job, Trigger = trigger, StartedAt = at };

    [Fact]
    public async Task ASecondRunOfTheSameJobIsRefusedWhileTheFirstIsRunning()
    {
        var first = Run("smartgo-import", T0);
        Assert.Null(await _store.TryStartAsync(first, Stale, default));

        var refusedBy = await _store.TryStartAsync(Run("smartgo-import", T0.AddSeconds(1), "manual:ops"), Stale, default);

        Assert.Equal(first.RunId, refusedBy?.RunId);
        Assert.Single(await _store.GetRecentAsync("smartgo-import", 10, default));
        Assert.Null(await _store.TryStartAsync(Run("validation", T0), Stale, default));
    }

    [Fact]
    public async Task ConcurrentStartsOfOneJobLetExactlyOneThrough()
    {
        var attempts = Enumerable.Range(0, 8).Select(i => Task.Run(() => _store.TryStartAsync(Run("validation", T0.AddMilliseconds(i)), Stale, default)));

        var results = await Task.WhenAll(attempts);

        Assert.Equal(1, results.Count(r => r is null));
        Assert.Single(await _store.GetRecentAsync("validation", 10, default));
    }

    [Fact]
    public async Task TwoHostsStartingOneJobAtOnceLetExactlyOneThrough()
    {
        var hosts = new[] { _store, OpenStore() };
        var attempts = Enumerable.Range(0, 6).Select(i => Task.Run(() =>
            hosts[i % 2].TryStartAsync(Run("smartgo-import", T0.AddMilliseconds(i)) with { Owner = $"host-{i % 2}" }, Stale, default)));

        var results = await Task.WhenAll(attempts);

        var winner = Assert.Single(await _store.GetRecentAsync("smartgo-import", 10, default));
        Assert.Equal(1, results.Count(r => r is null));
        Assert.All(results.Where(r => r is not null), r => Assert.Equal(winner.RunId, r!.RunId));
    }

    [Fact]
    public async Task AFinishedRunKeepsItsResultAndFreesTheJob()
    {
        var run = Run("smartgo-import", T0);
        await _store.TryStartAsync(run, Stale, default);
        await _store.UpdateProgressAsync(run.RunId, new JobProgress(40, 100, "40 imported"), default);
        await _store.FinishAsync(run.RunId, JobRunStatus.Succeeded, T0.AddMinutes(3), "Read 100 rows", "/ops/x", null, default);

        var stored = await _store.GetAsync(run.RunId, default);
        Assert.NotNull(stored);
        Assert.Equal(JobRunStatus.Succeeded, stored.Status);
        Assert.Equal(TimeSpan.FromMinutes(3), stored.Duration);
        Assert.Equal(new JobProgress(40, 100, "40 imported"), stored.Progress);
        Assert.Equal(("Read 100 rows", "/ops/x"), (stored.Summary, stored.DetailUrl));
        Assert.Null(await _store.TryStartAsync(Run("smartgo-import", T0.AddMinutes(5)), Stale, default));
    }

    [Fact]
    public async Task AFinishedRunCannotBeFinishedAgainOrGetProgress()
    {
        var run = Run("validation", T0);
        await _store.TryStartAsync(run, Stale, default);
        await _store.FinishAsync(run.RunId, JobRunStatus.Failed, T0.AddMinutes(1), null, null, "boom", default);

        await _store.FinishAsync(run.RunId, JobRunStatus.Succeeded, T0.AddMinutes(2), "late", null, null, default);
        await _store.UpdateProgressAsync(run.RunId, new JobProgress(5, null, null), default);

        var stored = await _store.GetAsync(run.RunId, default);
        Assert.Equal((JobRunStatus.Failed, "boom"), (stored!.Status, stored.Error));
        Assert.Null(stored.Progress);
    }

    [Fact]
    public async Task AtStartUpAHostMarksItsOwnLeftoverRunsAndSilentOnesButNotAnotherLiveHostsRun()
    {
        var mine = Run("smartgo-import", T0) with { Owner = "portal-1" };
        var otherAlive = Run("validation", T0) with { Owner = "worker-1" };
        var otherSilent = Run("cleanup", T0.AddMinutes(-30)) with { Owner = "worker-2" };
        foreach (var run in new[] { mine, otherAlive, otherSilent })
        {
            await _store.TryStartAsync(run, Stale, default);
        }

        await _store.HeartbeatAsync(otherAlive.RunId, T0.AddMinutes(9), default);

        // portal-1 restarts at T0 + 10 min, in a new process opening the same storage.
        var restarted = OpenStore();
        var now = T0.AddMinutes(10);
        Assert.Equal(2, await restarted.MarkAbandonedAsInterruptedAsync("portal-1", now - Stale, now, default));

        Assert.Equal(JobRunStatus.Interrupted, (await restarted.GetAsync(mine.RunId, default))!.Status);
        Assert.Equal(JobRunStatus.Interrupted, (await restarted.GetAsync(otherSilent.RunId, default))!.Status);
        var alive = await restarted.GetAsync(otherAlive.RunId, default);
        Assert.Equal((JobRunStatus.Running, "worker-1", T0.AddMinutes(9)), (alive!.Status, alive.Owner, alive.HeartbeatAt));
        Assert.Null(await restarted.TryStartAsync(Run("smartgo-import", now), Stale, default));
    }

    [Fact]
    public async Task ARunWhoseHostWentSilentNoLongerBlocksTheJob()
    {
        var dead = Run("smartgo-import", T0) with { Owner = "worker-1" };
        await _store.TryStartAsync(dead, Stale, default);
        await _store.HeartbeatAsync(dead.RunId, T0.AddMinutes(1), default);

        Assert.NotNull(await _store.TryStartAsync(Run("smartgo-import", T0.AddMinutes(2)), Stale, default));
        var next = Run("smartgo-import", T0.AddMinutes(1) + Stale + TimeSpan.FromSeconds(1));
        Assert.Null(await _store.TryStartAsync(next, Stale, default));

        var interrupted = await _store.GetAsync(dead.RunId, default);
        Assert.Equal(JobRunStatus.Interrupted, interrupted!.Status);
        Assert.Equal(JobRunStatus.Running, (await _store.GetAsync(next.RunId, default))!.Status);
    }

    [Fact]
    public async Task RecentRunsComeNewestFirstAndLimited()
    {
        for (var i = 0; i < 5; i++)
        {
            var run = Run("validation", T0.AddDays(i));
            await _store.TryStartAsync(run, Stale, default);
            await _store.FinishAsync(run.RunId, JobRunStatus.Succeeded, T0.AddDays(i).AddMinutes(1), $"day {i}", null, null, default);
        }

        var recent = await _store.GetRecentAsync("validation", 3, default);

        Assert.Equal(["day 4", "day 3", "day 2"], recent.Select(r => r.Summary));
        Assert.Empty(await _store.GetRecentAsync("smartgo-import", 3, default));
    }

    [Fact]
    public async Task AnUnknownRunIsNotFoundAndItsUpdatesChangeNothing()
    {
        var unknown = Guid.NewGuid();

        await _store.HeartbeatAsync(unknown, T0, default);
        await _store.UpdateProgressAsync(unknown, new JobProgress(1, 2, "x"), default);
        await _store.FinishAsync(unknown, JobRunStatus.Succeeded, T0, "done", null, null, default);

        Assert.Null(await _store.GetAsync(unknown, default));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _store.FinishAsync(unknown, JobRunStatus.Running, T0, null, null, null, default));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _store.TryStartAsync(Run("validation", T0), TimeSpan.Zero, default));
        Assert.Empty(await _store.GetRecentAsync("validation", 10, default));
    }
}
