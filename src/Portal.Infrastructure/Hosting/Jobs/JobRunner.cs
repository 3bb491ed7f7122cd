using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Portal.Core.Jobs;
using Quartz;
using JobRunStatus = Portal.Core.Jobs.JobRunStatus;

namespace Portal.Infrastructure.Hosting.Jobs;

/// <summary>
/// Runs the registered <see cref="IPortalJob"/>s, for the scheduler and for "run now": one run at a time per job (the run
/// store's conditional start decides, across hosts), each run recorded with its trigger, throttled progress and result.
/// A run still going when the host stops is cancelled and recorded as Interrupted.
/// </summary>
public sealed class JobRunner : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, IPortalJob> _jobs;
    private readonly IJobRunStore _runs;
    private readonly TimeProvider _time;
    private readonly JobsOptions _options;
    private readonly ILogger<JobRunner> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Guid, Task> _inFlight = new();

    public JobRunner(IEnumerable<IPortalJob> jobs, IJobRunStore runs, TimeProvider time, IOptions<JobsOptions> options, ILogger<JobRunner> logger)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var byName = new Dictionary<string, IPortalJob>(StringComparer.Ordinal);
        foreach (var job in jobs)
        {
            if (!byName.TryAdd(job.Name, job))
            {
                throw new InvalidOperationException($"Two jobs are registered with the name '{job.Name}'.");
            }
        }

        _jobs = byName;
        _runs = runs;
        _time = time;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>This host's name in the run history (<c>Jobs:InstanceName</c>, else the machine name).</summary>
    public string Owner => string.IsNullOrWhiteSpace(_options.InstanceName) ? Environment.MachineName : _options.InstanceName;

    /// <summary>The registered jobs in name order, with their schedule and next fire time (when this host schedules).</summary>
    public IReadOnlyList<JobDescription> Describe()
    {
        var now = _time.GetUtcNow();
        return _jobs.Values.OrderBy(j => j.Name, StringComparer.Ordinal).Select(job =>
        {
            var cron = _options.Schedules.TryGetValue(job.Name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;
            DateTimeOffset? next = null;
            if (_options.Enabled && cron is not null && CronExpression.TryParse(cron, out var expression))
            {
                next = expression.WithTimeZone(TimeZoneInfo.Utc).GetNextValidTimeAfter(now);
            }

            return new JobDescription(job.Name, job.DisplayName, cron, next);
        }).ToList();
    }

    /// <summary>"Run now": starts the job in the background and returns at once with the new run's id, or says why not.</summary>
    public async Task<JobTriggerResult> TriggerAsync(string jobName, string actor, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        var (result, start) = await TryStartAsync(jobName, JobContext.ManualTrigger(actor), cancellationToken);
        if (start is not null)
        {
            var task = Task.Run(start, CancellationToken.None);
            _inFlight[result.RunId!.Value] = task;
            _ = task.ContinueWith(_ => _inFlight.TryRemove(result.RunId.Value, out Task? _), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }

        return result;
    }

    /// <summary>Runs the job to its end (the scheduler's path); returns the recorded run, or the refusal when it could not start.</summary>
    public async Task<(JobTriggerResult Result, JobRun? Run)> RunAsync(string jobName, string trigger, CancellationToken cancellationToken)
    {
        var (result, start) = await TryStartAsync(jobName, trigger, cancellationToken);
        if (start is null)
        {
            return (result, null);
        }

        var task = start();
        _inFlight[result.RunId!.Value] = task;
        try
        {
            await task.WaitAsync(cancellationToken);
        }
        finally
        {
            _inFlight.TryRemove(result.RunId.Value, out _);
        }

        return (result, await _runs.GetAsync(result.RunId.Value, CancellationToken.None));
    }

    /// <summary>Cancels the runs in flight and waits for them to record themselves as Interrupted (or until <paramref name="cancellationToken"/>).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync();
        }

        try
        {
            await Task.WhenAll(_inFlight.Values).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host's shutdown budget ran out; the next start marks what is left as Interrupted.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        _stopping.Dispose();
    }

    private async Task<(JobTriggerResult Result, Func<Task>? Start)> TryStartAsync(string jobName, string trigger, CancellationToken cancellationToken)
    {
        if (jobName is null || !_jobs.TryGetValue(jobName, out var job))
        {
            return (new JobTriggerResult(JobTriggerOutcome.UnknownJob, null, $"There is no job named '{jobName}'."), null);
        }

        if (_stopping.IsCancellationRequested)
        {
            throw new InvalidOperationException("The host is stopping; no job can start.");
        }

        var run = new JobRun { RunId = Guid.NewGuid(), JobName = job.Name, Trigger = trigger, StartedAt = _time.GetUtcNow(), Owner = Owner };
        var running = await _runs.TryStartAsync(run, _options.StaleAfter, cancellationToken);
        if (running is not null)
        {
            JobRunnerLog.AlreadyRunning(_logger, job.Name, running.RunId);
            return (new JobTriggerResult(JobTriggerOutcome.AlreadyRunning, running.RunId,
                $"{job.DisplayName} is already running (started {running.StartedAt:yyyy-MM-dd HH:mm:ss} UTC by {running.Trigger})."), null);
        }

        JobRunnerLog.Started(_logger, job.Name, run.RunId, trigger);
        return (new JobTriggerResult(JobTriggerOutcome.Started, run.RunId, $"{job.DisplayName} started."), () => ExecuteAsync(job, run));
    }

    private async Task ExecuteAsync(IPortalJob job, JobRun run)
    {
        var progress = new ThrottledJobProgress(run.RunId, _runs, _time, _options.ProgressInterval, _logger);
        await using var heartbeat = _time.CreateTimer(_ => _ = BeatAsync(run.RunId), null, _options.HeartbeatInterval, _options.HeartbeatInterval);
        JobRunStatus status;
        string? summary = null, detailUrl = null, error = null;
        try
        {
            // Yield first so a caller awaiting the start never runs the job's synchronous prefix on its own thread.
            await Task.Yield();
            var result = await job.RunAsync(new JobContext(run.RunId, run.Trigger, progress), _stopping.Token);
            status = result.Succeeded ? JobRunStatus.Succeeded : JobRunStatus.Failed;
            summary = result.Summary;
            detailUrl = result.DetailUrl;
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            status = JobRunStatus.Interrupted;
            error = "The host stopped while the run was in progress; the next run resumes where it left off when the job supports it.";
        }
        catch (Exception ex)
        {
            status = JobRunStatus.Failed;
            error = ex.Message;
            JobRunnerLog.Failed(_logger, job.Name, run.RunId, ex);
        }

        await progress.FlushAsync();
        try
        {
            await _runs.FinishAsync(run.RunId, status, _time.GetUtcNow(), summary, detailUrl, error, CancellationToken.None);
            JobRunnerLog.Finished(_logger, job.Name, run.RunId, status);
        }
        catch (Exception ex)
        {
            // The run stays Running in the store; the next start marks it Interrupted.
            JobRunnerLog.RecordFailed(_logger, job.Name, run.RunId, ex);
        }
    }

    private async Task BeatAsync(Guid runId)
    {
        try
        {
            await _runs.HeartbeatAsync(runId, _time.GetUtcNow(), CancellationToken.None);
        }
        catch (Exception ex)
        {
            JobRunnerLog.ProgressWriteFailed(_logger, runId, ex);
        }
    }
}

internal static partial class JobRunnerLog
{
    [LoggerMessage(1, LogLevel.Information, "Job {Job} run {RunId} started ({Trigger})")]
    public static partial void Started(ILogger logger, string job, Guid runId, string trigger);

    [LoggerMessage(2, LogLevel.Information, "Job {Job} run {RunId} finished: {Status}")]
    public static partial void Finished(ILogger logger, string job, Guid runId, JobRunStatus status);

    [LoggerMessage(3, LogLevel.Error, "Job {Job} run {RunId} failed")]
    public static partial void Failed(ILogger logger, string job, Guid runId, Exception exception);

    [LoggerMessage(4, LogLevel.Information, "Job {Job} not started: run {RunId} is still going")]
    public static partial void AlreadyRunning(ILogger logger, string job, Guid runId);

    [LoggerMessage(5, LogLevel.Warning, "Progress of job run {RunId} could not be recorded")]
    public static partial void ProgressWriteFailed(ILogger logger, Guid runId, Exception exception);

    [LoggerMessage(6, LogLevel.Error, "Job {Job} run {RunId} ended but its result could not be recorded")]
    public static partial void RecordFailed(ILogger logger, string job, Guid runId, Exception exception);

    [LoggerMessage(7, LogLevel.Warning, "{Count} job run(s) left running by an earlier host were marked Interrupted")]
    public static partial void MarkedInterrupted(ILogger logger, int count);

    [LoggerMessage(8, LogLevel.Warning, "Jobs:Schedules names '{Job}', but no such job is registered; the schedule is ignored")]
    public static partial void UnknownScheduledJob(ILogger logger, string job);
}
