using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Pricing.Batches;

namespace Portal.Infrastructure.Hosting;

public static class BatchPricingServiceCollectionExtensions
{
    /// <summary>
    /// Batch pricing's use cases and options (<c>Pricing:Batches</c>, validated on start). The store comes with the provider's
    /// adapters; the background worker is added by the hosts that price (<see cref="AddBatchPricingWorker"/>).
    /// </summary>
    public static IServiceCollection AddBatchPricing(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BatchOptions>().Bind(configuration.GetSection(BatchOptions.SectionName)).ValidateDataAnnotations()
            .Validate(o => !o.Problems().Any(), $"{BatchOptions.SectionName}: LeaseDuration must lie in [1 second, 1 hour], PollInterval in [100 ms, 1 hour], and MaxZipBytes must not exceed MaxUploadBytes.")
            .ValidateOnStart();
        services.AddSingleton<BatchQueue>();
        services.AddSingleton<BatchSubmitter>();
        services.AddSingleton<BatchRunner>();
        services.AddSingleton<BatchDecisions>();
        return services;
    }

    /// <summary>The worker that prices stored batches and resumes unfinished ones, on this host.</summary>
    public static IServiceCollection AddBatchPricingWorker(this IServiceCollection services) =>
        services.AddHostedService<BatchPricingWorker>();
}
