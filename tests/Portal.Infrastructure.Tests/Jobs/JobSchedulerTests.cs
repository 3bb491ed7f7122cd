using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portal.Infrastructure.Embedded;
using Portal.Core.Jobs;
using Portal.Infrastructure.Embedded.Sqlite;
using Portal.Infrastructure.Hosting;
using Portal.Infrastructure.Hosting.Jobs;

namespace Portal.Infrastructure.Tests.Jobs;

public sealed class JobSchedulerTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("portal-job-scheduler-");

    public void Dispose() => _root.Delete(recursive: true);

    private IHost BuildHost(GatedTestJob job, bool enabled, string cron)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration["Jobs:Enabled"] = enabled ? "true" : "false";
        builder.Configuration[$"Jobs:Schedules:{job.Name}"] = cron;
        // The run and watermark stores come with the provider's adapters; these are the embedded ones, in the test's folder.
        var database = Path.Combine(_root.FullName, "sales.db");
        builder.Services.AddSingleton<IJobRunStore>(_ => new SqliteJobRunStore(database));
        builder.Services.AddSingleton<IJobWatermarkStore>(_ => new SqliteJobWatermarkStore(database, TimeProvider.System));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IPortalJob>(job);
        builder.AddJobServices();
        return builder.Build();
    }

    [Fact]
    public async Task QuartzFiresTheJobOnItsCronAndTheRunIsRecordedAsScheduled()
    {
        var job = new GatedTestJob("every-second") { ProgressToReport = [] };
        job.Succeed("fired");
        using var host = BuildHost(job, enabled: true, cron: "* * * * * ?");
        await host.StartAsync();
        try
        {
            var runs = host.Services.GetRequiredService<IJobRunStore>();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            IReadOnlyList<JobRun> recent;
            while ((recent = await runs.GetRecentAsync("every-second", 5, default)).All(r => r.Status != JobRunStatus.Succeeded))
            {
                await Task.Delay(100, timeout.Token);
            }

            var run = recent.First(r => r.Status == JobRunStatus.Succeeded);
            Assert.Equal(("schedule", "fired"), (run.Trigger, run.Summary));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task AnInvalidCronStopsTheHostAtStartWithTheKeyName()
    {
        using var host = BuildHost(new GatedTestJob("nightly"), enabled: true, cron: "at two");

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains("Jobs:Schedules:nightly", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AtStartTheRunsThisHostLeftRunningWhenItCrashedAreMarkedInterrupted()
    {
        var job = new GatedTestJob("nightly");
        Guid leftRunning;
        using (var crashed = new SqliteJobRunStore(Path.Combine(_root.FullName, "sales.db")))
        {
            leftRunning = Guid.NewGuid();
            await crashed.TryStartAsync(new JobRun { RunId = leftRunning, JobName = "nightly", Trigger = "schedule", StartedAt = DateTimeOffset.UtcNow, Owner = Environment.MachineName }, TimeSpan.FromMinutes(2), default);
        }

        using var host = BuildHost(job, enabled: false, cron: "0 0 2 * * ?");
        await host.StartAsync();
        try
        {
            var run = await host.Services.GetRequiredService<IJobRunStore>().GetAsync(leftRunning, default);
            Assert.Equal(JobRunStatus.Interrupted, run!.Status);
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
