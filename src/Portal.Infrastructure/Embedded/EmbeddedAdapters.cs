using Microsoft.Extensions.Options;
using Portal.Core.Images;
using Portal.Core.Jobs;
using Portal.Core.Pricing.Batches;
using Portal.Core.Pricing.Decisions;
using Portal.Core.Sync;
using Portal.Core.Validation;
using Portal.Infrastructure.Embedded.Housekeeping;
using Portal.Infrastructure.Embedded.Imaging;
using Portal.Infrastructure.Embedded.Lake;
using Portal.Infrastructure.Embedded.Sqlite;

namespace Portal.Infrastructure.Embedded;

public static class EmbeddedAdapters
{
    /// <summary>
    /// The embedded default (<c>Portal:Provider = Local</c>): every store port on one SQLite file, the lake as Parquet files
    /// queried by DuckDB, photos as files, all under <c>Portal:DataDirectory</c>; and the housekeeping job that expires what
    /// DynamoDB would expire by TTL.
    /// </summary>
    public static IServiceCollection AddEmbeddedAdapters(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<ISalesStore>(sp =>
        {
            var storage = Storage(sp);
            return new SqliteSalesStore(new SqliteStoreOptions { DatabasePath = storage.DatabasePath, RetentionPeriod = storage.SalesRetention }, sp.GetRequiredService<TimeProvider>());
        });
        // The sales store is its own outbox: the sale and its outbox row are written in one SQLite transaction.
        services.AddSingleton<ISalesOutbox>(sp => (ISalesOutbox)sp.GetRequiredService<ISalesStore>());
        services.AddSingleton<IPricingDecisionStore>(sp => new SqlitePricingDecisionStore(Storage(sp).DatabasePath));
        services.AddSingleton<IPricingBatchStore>(sp => new SqlitePricingBatchStore(Storage(sp).DatabasePath));
        services.AddSingleton<ISalesLake>(sp => new ParquetSalesLake(LakeOptionsFrom(sp), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ISalesAnalytics>(sp => new DuckDbSalesAnalytics(LakeOptionsFrom(sp), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IImageStore>(sp => new FileImageStore(new FileImageStoreOptions { RootDirectory = Storage(sp).ImagesDirectory }));
        services.AddSingleton<IIdempotencyStore>(sp => new SqliteIdempotencyStore(
            new SqliteIdempotencyStoreOptions { DatabasePath = Storage(sp).DatabasePath }, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IDeadLetterStore>(sp => new SqliteDeadLetterStore(Storage(sp).DatabasePath, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IImageEmbeddingStore>(sp => new SqliteImageEmbeddingStore(Storage(sp).DatabasePath, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IProductStateStore>(sp => new SqliteProductStateStore(Storage(sp).DatabasePath, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IParkedEventStore>(sp => new SqliteParkedEventStore(Storage(sp).DatabasePath));
        services.AddSingleton<IJobRunStore>(sp => new SqliteJobRunStore(Storage(sp).DatabasePath));
        services.AddSingleton<IJobWatermarkStore>(sp => new SqliteJobWatermarkStore(Storage(sp).DatabasePath, sp.GetRequiredService<TimeProvider>()));
        AddValidationReaders(services);
        AddHousekeeping(services, configuration);
        return services;
    }

    private static void AddValidationReaders(IServiceCollection services)
    {
        // The store's own retention (its TTL), so expired rows are left out of the lake counts exactly as the store hides them.
        services.AddSingleton(sp => new ValidationSources(Storage(sp).DatabasePath, Storage(sp).LakeDirectory, Storage(sp).SalesRetention));
        services.AddSingleton<IValidationStoreReader>(sp =>
            new SqliteValidationStoreReader(sp.GetRequiredService<ValidationSources>().DatabasePath, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IValidationLakeReader>(sp => new ParquetValidationLakeReader(sp.GetRequiredService<ValidationSources>().LakeRoot));
        services.AddSingleton<IValidationReportStore>(sp => new SqliteValidationReportStore(Storage(sp).DatabasePath));
    }

    private static void AddHousekeeping(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HousekeepingOptions>().Bind(configuration.GetSection(HousekeepingOptions.SectionName))
            .Validate(o => o.DrainedOutboxRetention >= TimeSpan.Zero, "Housekeeping:DrainedOutboxRetention must not be negative.")
            .Validate(o => o.StaleLakeTempFileAge > TimeSpan.Zero, "Housekeeping:StaleLakeTempFileAge must be positive.").ValidateOnStart();
        services.AddSingleton<IPortalJob>(sp => new HousekeepingJob(
            (SqliteSalesStore)sp.GetRequiredService<ISalesStore>(),
            (SqliteIdempotencyStore)sp.GetRequiredService<IIdempotencyStore>(),
            sp.GetRequiredService<IOptions<HousekeepingOptions>>(),
            sp.GetRequiredService<ISalesLake>() as ParquetSalesLake));
    }

    private static EmbeddedStorageOptions Storage(IServiceProvider sp) => sp.GetRequiredService<IOptions<EmbeddedStorageOptions>>().Value;

    private static LakeOptions LakeOptionsFrom(IServiceProvider sp) => new() { RootDirectory = Storage(sp).LakeDirectory };
}
