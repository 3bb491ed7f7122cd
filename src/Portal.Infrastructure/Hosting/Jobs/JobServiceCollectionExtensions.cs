using Microsoft.Extensions.Options;
using Portal.Core.Jobs;
using Quartz;

namespace Portal.Infrastructure.Hosting.Jobs;

public static class JobServiceCollectionExtensions
{
    /// <summary>
    /// The job runner (its run and watermark stores come with the provider's adapters), and — when <c>Jobs:Enabled</c> —
    /// the Quartz scheduler firing each job on its cron in UTC. Jobs register themselves as <see cref="IPortalJob"/> singletons.
    /// </summary>
    public static IHostApplicationBuilder AddJobServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var section = builder.Configuration.GetSection(JobsOptions.SectionName);
        services.AddOptions<JobsOptions>().Bind(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<JobsOptions>, JobsOptionsValidator>();
        services.AddSingleton<JobRunner>();
        // Before Quartz's hosted service: stale Running runs are marked Interrupted before anything can fire.
        services.AddHostedService<JobsHostedService>();

        var options = new JobsOptions();
        section.Bind(options);
        if (!options.Enabled)
        {
            return builder;
        }

        builder.AddQuartz(quartz =>
        {
            foreach (var (name, cron) in options.Schedules)
            {
                // An invalid cron is reported by the options validation at start; it is not scheduled here.
                if (string.IsNullOrWhiteSpace(cron) || !CronExpression.TryParse(cron, out _))
                {
                    continue;
                }

                quartz.AddJob<ScheduledPortalJob>(job => job.WithIdentity(name).DisallowConcurrentExecution(true));
                quartz.AddTrigger<ScheduledPortalJob>(trigger => trigger
                    .ForJob(name)
                    .WithIdentity($"{name}-cron")
                    .WithSchedule(CronScheduleBuilder.Create(cron).InTimeZone(TimeZoneInfo.Utc)));
            }
        });
        builder.AddQuartzHostedService(hosted => hosted.WaitForJobsToComplete = false);
        return builder;
    }
}
