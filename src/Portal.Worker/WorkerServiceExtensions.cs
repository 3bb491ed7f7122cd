using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Portal.Infrastructure.Aws.Sqs;
using Portal.Infrastructure.Hosting;

namespace Portal.Worker;

public static class WorkerServiceExtensions
{
    /// <summary>
    /// The production worker host: the same infrastructure as the portal, the transports that feed the sync pipeline, and the
    /// background services. Health goes to the log (a start line, then one status line per <c>Worker:HealthLogInterval</c>).
    /// </summary>
    public static IHostApplicationBuilder AddWorkerServices(this IHostApplicationBuilder builder)
    {
        builder.AddPortal();
        builder.AddSqsConsumer();
        builder.Services.AddOptions<WorkerOptions>().Bind(builder.Configuration.GetSection(WorkerOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHostedService<WorkerHealthLogger>();

        // The sync pipeline's background services (channel consumer, outbox lake writer, parked-event retries); the job
        // scheduler comes with AddPortal.
        builder.Services.AddSyncWorkers();

        return builder;
    }
}
