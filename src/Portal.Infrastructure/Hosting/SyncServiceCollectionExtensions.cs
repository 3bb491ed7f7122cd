using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Portal.Core.Images;
using Portal.Core.Sync;
using Portal.Core.Sync.Stages;
using Portal.Infrastructure.Demo;
using Portal.Infrastructure.Embedded.Sqlite;
using Portal.Infrastructure.Http;

namespace Portal.Infrastructure.Hosting;

public static class SyncServiceCollectionExtensions
{
    /// <summary>
    /// The sync pipeline, the lake writer,
    /// the in-process channel and the monitor. The background workers are added separately by <see cref="AddSyncWorkers"/>.
    /// </summary>
    public static IServiceCollection AddSyncServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SyncOptions>().Bind(configuration.GetSection(SyncOptions.SectionName)).ValidateDataAnnotations()
            .Validate(o => !o.Problems().Any(), "Sync options are invalid: check durations are positive and tenant ids are valid.")
            .ValidateOnStart();
        // The demo tenant may always publish: the pipeline learns it as an implicitly known tenant, not through a key of its own.
        services.AddOptions<SyncOptions>().PostConfigure<IOptions<DemoOptions>>((sync, demo) => sync.AddImplicitTenant(demo.Value.DemoTenant));

        // The stores (idempotency, product states, parked events, dead letters, the sales outbox) come with the provider's adapters.
        services.AddSingleton<SyncMetrics>();
        services.AddSingleton<SyncMonitor>();
        services.AddSingleton<ISyncMonitor>(sp => sp.GetRequiredService<SyncMonitor>());
        services.AddSingleton<KnownTenants>();
        services.AddSingleton<LakeWriter>();
        // Provider failures a retry may get past: SQLite stays in use beside the cloud stores (the local caches), so both always.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITransientFailures, SqliteTransientFailures>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITransientFailures, HttpTransientFailures>());
        services.AddSingleton<FailureClassifier>();
        services.AddSingleton<SalePhotoFetcher>();
        services.AddSingleton<ISalePhotoFetcher>(sp => sp.GetRequiredService<SalePhotoFetcher>());
        // The pipeline only sequences its stages (Core/Sync/Stages); the sale stage writes through the one SalesWriter.
        services.AddSingleton<SyncRetry>();
        services.AddSingleton<DeadLetterWriter>();
        services.AddSingleton<EventOutcomes>();
        services.AddSingleton<IntakeStage>();
        services.AddSingleton<ClaimStage>();
        services.AddSingleton<PhotoStage>();
        services.AddSingleton<ParkStage>();
        services.AddSingleton<TransitionStage>();
        services.AddSingleton<SaleStage>();
        services.AddSingleton<EventPipeline>();
        services.AddSingleton<SyncChannel>();
        services.AddSingleton<IEventSubmitter, ChannelEventSubmitter>();
        return services;
    }

    /// <summary>The consumer of the channel, the lake writer and the parked-event retries: one call for the portal and for a worker host.</summary>
    public static IServiceCollection AddSyncWorkers(this IServiceCollection services)
    {
        services.AddHostedService<EventConsumerService>();
        services.AddHostedService<LakeWriterService>();
        services.AddHostedService<ParkedEventRetryService>();
        return services;
    }
}
