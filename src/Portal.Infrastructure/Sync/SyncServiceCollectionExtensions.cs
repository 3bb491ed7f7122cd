using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Portal.Core.Images;
using Portal.Core.Sales;
using Portal.Core.Sync;
using Portal.Infrastructure.Embedded.Sqlite;
using Portal.Infrastructure.Hosting;
using Portal.Infrastructure.Http;
using Portal.Infrastructure.Sync.Images;

namespace Portal.Infrastructure.Sync;

public static class SyncServiceCollectionExtensions
{
    /// <summary>
    /// The sync pipeline and its stores (idempotency, product states, parked events, the sales outbox), the lake writer,
    /// the in-process channel and the monitor. The background workers are added separately by <see cref="AddSyncWorkers"/>.
    /// </summary>
    public static IServiceCollection AddSyncServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SyncOptions>().Bind(configuration.GetSection(SyncOptions.SectionName)).ValidateDataAnnotations()
            .Validate(o => !o.Problems().Any(), "Sync options are invalid: check durations are positive and tenant ids are valid.")
            .ValidateOnStart();

        // IIdempotencyStore, IDeadLetterStore and ISaleImageResolver come from AddSyncSupportServices.
        // The stores below are the embedded defaults; a provider registered earlier (AWS) wins.
        services.TryAddSingleton<IProductStateStore>(sp => new SqliteProductStateStore(DatabasePath(sp), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IParkedEventStore>(sp => new SqliteParkedEventStore(DatabasePath(sp)));
        // The sales store is its own outbox: the sale and its outbox row are written together (one SQLite transaction, one DynamoDB item).
        services.TryAddSingleton<ISalesOutbox>(sp => (ISalesOutbox)sp.GetRequiredService<ISalesStore>());
        services.AddSingleton<SyncMetrics>();
        services.AddSingleton<SyncMonitor>();
        services.AddSingleton<ISyncMonitor>(sp => sp.GetRequiredService<SyncMonitor>());
        services.AddSingleton<KnownTenants>();
        services.AddSingleton<LakeWriter>();
        services.AddSingleton<SalePhotoFetcher>();
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

    private static string DatabasePath(IServiceProvider sp) => sp.GetRequiredService<IOptions<PortalOptions>>().Value.DatabasePath;
}
