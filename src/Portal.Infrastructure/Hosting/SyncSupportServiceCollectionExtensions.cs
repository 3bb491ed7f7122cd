using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Portal.Core.Images;
using Portal.Core.Sync;
using Portal.Infrastructure.Embedded.Sqlite;
using Portal.Infrastructure.Sync.Images;

namespace Portal.Infrastructure.Hosting;

public static class SyncSupportServiceCollectionExtensions
{
    /// <summary>The stores and services every sync transport and import share: idempotency, dead letters, sale photos and their embeddings.</summary>
    public static IServiceCollection AddSyncSupportServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SaleImageOptions>().Bind(configuration.GetSection(SaleImageOptions.SectionName)).ValidateDataAnnotations()
            .Validate(o => o.FetchTimeout > TimeSpan.Zero && o.FetchTimeout <= TimeSpan.FromMinutes(5), "Sync:Images:FetchTimeout must lie between 0 and 5 minutes.")
            .Validate(o => o.MaxConcurrentFetchesPerHost <= o.MaxConcurrentFetches, "Sync:Images:MaxConcurrentFetchesPerHost must not exceed Sync:Images:MaxConcurrentFetches.")
            .ValidateOnStart();
        services.TryAddSingleton<IIdempotencyStore>(sp => new SqliteIdempotencyStore(
            new SqliteIdempotencyStoreOptions { DatabasePath = DatabasePath(sp) }, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IDeadLetterStore>(sp => new SqliteDeadLetterStore(DatabasePath(sp), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IImageEmbeddingStore>(sp => new SqliteImageEmbeddingStore(DatabasePath(sp), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<SaleImageResolver>();
        services.TryAddSingleton<ISaleImageResolver>(sp => sp.GetRequiredService<SaleImageResolver>());
        return services;
    }

    private static string DatabasePath(IServiceProvider sp) => sp.GetRequiredService<IOptions<PortalOptions>>().Value.DatabasePath;
}
