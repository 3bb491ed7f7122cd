using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Portal.Core.Images;
using Portal.Core.Imports;
using Portal.Core.Jobs;
using Portal.Core.Pricing;
using Portal.Core.Pricing.Calibration;
using Portal.Core.Pricing.Decisions;
using Portal.Core.Pricing.Engine;
using Portal.Core.Pricing.Evaluation;
using Portal.Core.Pricing.Similarity;
using Portal.Core.Sales;
using Portal.Core.Sync;
using Portal.Infrastructure.Aws;
using Portal.Infrastructure.Aws.ParameterStore;
using Portal.Infrastructure.Demo;
using Portal.Infrastructure.Embedded.Housekeeping;
using Portal.Infrastructure.Embedded.Imaging;
using Portal.Infrastructure.Embedded.Lake;
using Portal.Infrastructure.Embedded.Sqlite;
using Portal.Infrastructure.Formats.Imaging;
using Portal.Infrastructure.Hosting.Jobs;
using Portal.Infrastructure.Reembedding;
using Portal.Infrastructure.SmartGo;
using Portal.Infrastructure.Sync;
using Portal.Infrastructure.Sync.Redrive;
using Portal.Infrastructure.Validation;

namespace Portal.Infrastructure.Hosting;

public static class InfrastructureServiceCollectionExtensions
{
    /// <summary>
    /// Everything both hosts (portal and CLI) share: options, the pricing engine and use case, and the adapters of the
    /// configured provider: with <c>Portal:Provider = Aws</c> the AWS adapters are registered first and the embedded defaults
    /// (added with TryAdd) fill only what they leave.
    /// </summary>
    public static IHostApplicationBuilder AddPortalInfrastructure(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        builder.AddParameterStoreConfiguration();
        var onAws = string.Equals(builder.Configuration[$"{PortalOptions.SectionName}:Provider"], "Aws", StringComparison.Ordinal);
        if (onAws)
        {
            builder.AddAwsAdapters();
        }

        services.TryAddSingletonTimeProvider();
        services.AddOptions<PortalOptions>().Bind(builder.Configuration.GetSection(PortalOptions.SectionName)).ValidateDataAnnotations()
            .Validate(o => o.SalesRetention > TimeSpan.Zero, "Portal:SalesRetention must be positive.").ValidateOnStart();
        services.AddOptions<PricingOptions>().Bind(builder.Configuration.GetSection(PricingOptions.SectionName)).ValidateDataAnnotations()
            .Validate(o => o.LookbackWindow > TimeSpan.Zero && o.WidenedLookbackWindow >= o.LookbackWindow && o.MaxLookbackWindow >= o.WidenedLookbackWindow,
                "Pricing:LookbackWindow ≤ WidenedLookbackWindow ≤ MaxLookbackWindow, all positive.")
            .Validate(o => o.RecencyHalfLife > TimeSpan.Zero, "Pricing:RecencyHalfLife must be positive.")
            .Validate(o => o.RangeLowQuantile < o.RangeHighQuantile, "Pricing:RangeLowQuantile must be below Pricing:RangeHighQuantile.")
            .Validate(o => o.CalibrationRefreshInterval >= TimeSpan.FromSeconds(1) && o.CalibrationRefreshInterval <= TimeSpan.FromDays(1),
                "Pricing:CalibrationRefreshInterval must lie in [1 second, 1 day].")
            .ValidateOnStart();
        services.AddOptions<PricingLimits>().Bind(builder.Configuration.GetSection(PricingLimits.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PricingConcurrencyOptions>().Bind(builder.Configuration.GetSection(PricingConcurrencyOptions.SectionName)).ValidateDataAnnotations()
            .Validate(o => !o.Problems().Any(), $"{PricingConcurrencyOptions.SectionName}: QueueTimeout must lie in (0, 5 minutes] and RetryAfter in [1 second, 1 hour].")
            .ValidateOnStart();
        services.AddOptions<PriceLimits>().Bind(builder.Configuration.GetSection(PriceLimits.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PriceLimits>, PriceLimitsValidator>());

        AddPricingServices(services, builder.Configuration.GetSection("SimilarityIndex").Get<IndexOptions>() ?? new IndexOptions());
        AddLocalAdapters(services, builder.Configuration, builder.Configuration.GetSection("Embedding").Get<OnnxEmbedderOptions>() ?? new OnnxEmbedderOptions());
        if (!onAws)
        {
            // DynamoDB expires items by TTL itself; the embedded store needs this job for the same.
            AddHousekeeping(services, builder.Configuration);
        }

        services.AddSyncSupportServices(builder.Configuration);
        services.AddDeadLetterRedrive();
        services.AddSyncServices(builder.Configuration);
        services.AddValidationServices(builder.Configuration);
        services.AddReembedding();
        builder.AddJobServices();
        builder.AddSmartGoImport();
        return builder;
    }

    private static void TryAddSingletonTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }

    private static void AddPricingServices(IServiceCollection services, IndexOptions indexOptions)
    {
        services.AddSingleton<ISalesIndex>(_ => new InMemorySalesIndex(indexOptions));
        services.AddSingleton<RangeCalibrations>();
        // Both stores keep the calibrations beside the sales, so every host reads what the job host fitted.
        services.TryAddSingleton<IRangeCalibrationStore>(sp => sp.GetRequiredService<ISalesStore>() as IRangeCalibrationStore
            ?? throw new InvalidOperationException($"The sales store {sp.GetRequiredService<ISalesStore>().GetType().Name} keeps no range calibrations."));
        services.AddSingleton<ITitleVectoriser>(sp => TitleVectorisers.Create(
            sp.GetRequiredService<IOptions<PricingOptions>>().Value.TitleModel, sp.GetRequiredService<ISalesIndex>()));
        services.AddSingleton<VisualSimilarityPricingEngine>();
        services.AddSingleton<RangeCalibrator>();
        services.AddSingleton<IPortalJob, RangeCalibrationJob>();
        services.AddSingleton(_ => new EmbeddingCache());
        services.AddSingleton(_ => new QualityCache());
        services.AddSingleton<PricingWorkLimiter>();
        services.AddSingleton<PricingService>();
        services.AddSingleton<SalesWriter>();
        services.AddSingleton<IndexLoadProgress>();
        services.AddSingleton(sp => new SalesIndexLoader(
            sp.GetRequiredService<ISalesStore>(), sp.GetRequiredService<ISalesIndex>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IndexLoadProgress>(), sp.GetRequiredService<IOptions<PortalOptions>>().Value.IndexLoadParallelism));
        services.AddSingleton<DemoSeedingStatus>();
        services.AddSingleton<DemoSeeder>();
        services.AddSingleton<SalesImporter>();
        services.AddSingleton<RetrievalEvaluator>();
    }

    /// <summary>The embedded default of every port, each added only when no provider registered it first.</summary>
    private static void AddLocalAdapters(IServiceCollection services, IConfiguration configuration, OnnxEmbedderOptions embedderOptions)
    {
        services.TryAddSingleton<ISalesStore>(sp =>
        {
            var portal = sp.GetRequiredService<IOptions<PortalOptions>>().Value;
            return new SqliteSalesStore(new SqliteStoreOptions { DatabasePath = portal.DatabasePath, RetentionPeriod = portal.SalesRetention }, sp.GetRequiredService<TimeProvider>());
        });
        services.TryAddSingleton<IPricingDecisionStore>(sp => new SqlitePricingDecisionStore(sp.GetRequiredService<IOptions<PortalOptions>>().Value.DatabasePath));
        services.TryAddSingleton<ISalesLake>(sp => new ParquetSalesLake(LakeOptionsFrom(sp), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ISalesAnalytics>(sp => new DuckDbSalesAnalytics(LakeOptionsFrom(sp), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IImageStore>(sp => new FileImageStore(new FileImageStoreOptions
        {
            RootDirectory = sp.GetRequiredService<IOptions<PortalOptions>>().Value.ImagesDirectory,
        }));
        services.TryAddSingleton<IImageInspector>(sp =>
        {
            var limits = sp.GetRequiredService<IOptions<PricingLimits>>().Value;
            return new ImageInspector(new ImageLimits { MaxBytes = limits.MaxImageBytes, MaxPixels = limits.MaxPixels });
        });
        services.TryAddSingleton<OnnxImageEmbedder>(_ => new OnnxImageEmbedder(embedderOptions));
        services.TryAddSingleton<IEmbeddingGenerator<DataContent, Embedding<float>>>(sp => sp.GetRequiredService<OnnxImageEmbedder>());
        // Also the fallback of a remote assessor, so registered as itself too.
        services.TryAddSingleton<LocalQualityAssessor>();
        services.TryAddSingleton<IQualityAssessor>(sp => sp.GetRequiredService<LocalQualityAssessor>());
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

    private static LakeOptions LakeOptionsFrom(IServiceProvider sp) =>
        new() { RootDirectory = sp.GetRequiredService<IOptions<PortalOptions>>().Value.LakeDirectory };
}
