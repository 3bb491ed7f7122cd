using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Portal.Infrastructure.Demo;
using Portal.Infrastructure.Evaluation;
using Portal.Infrastructure.Housekeeping;
using Portal.Infrastructure.Import;
using Portal.Infrastructure.Jobs;
using Portal.Infrastructure.SmartGo;
using Portal.Infrastructure.Ingestion;
using Portal.Infrastructure.Local.Imaging;
using Portal.Infrastructure.Local.Storage;
using Portal.Infrastructure.Sync.Redrive;
using Portal.Infrastructure.Sync;
using Portal.Infrastructure.Validation;
using Portal.Pricing.Application;
using Portal.Pricing.Decisions;
using Portal.Pricing.Engine;
using Portal.Pricing.Operations;
using Portal.Pricing.Ports;
using Portal.Pricing.Similarity;
using Portal.Pricing.Sync;

namespace Portal.Infrastructure.Hosting;

public static class InfrastructureServiceCollectionExtensions
{
    /// <summary>
    /// Everything both hosts (portal and CLI) share: options, the pricing engine and use case, and the adapters of the
    /// configured provider. Only the embedded default (<c>Local</c>) exists so far.
    /// </summary>
    public static IHostApplicationBuilder AddPortalInfrastructure(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingletonTimeProvider();
        services.AddOptions<PortalOptions>().Bind(builder.Configuration.GetSection(PortalOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PricingOptions>().Bind(builder.Configuration.GetSection(PricingOptions.SectionName)).ValidateDataAnnotations()
            .Validate(o => o.LookbackWindow > TimeSpan.Zero && o.WidenedLookbackWindow >= o.LookbackWindow, "Pricing:WidenedLookbackWindow must be at least Pricing:LookbackWindow, both positive.")
            .Validate(o => o.RecencyHalfLife > TimeSpan.Zero, "Pricing:RecencyHalfLife must be positive.")
            .Validate(o => o.RangeLowQuantile < o.RangeHighQuantile, "Pricing:RangeLowQuantile must be below Pricing:RangeHighQuantile.")
            .ValidateOnStart();
        services.AddOptions<PricingLimits>().Bind(builder.Configuration.GetSection(PricingLimits.SectionName)).ValidateDataAnnotations().ValidateOnStart();

        AddPricingServices(services, builder.Configuration.GetSection("SimilarityIndex").Get<IndexOptions>() ?? new IndexOptions());
        AddLocalAdapters(services, builder.Configuration, builder.Configuration.GetSection("Embedding").Get<OnnxEmbedderOptions>() ?? new OnnxEmbedderOptions());
        services.AddSyncSupportServices(builder.Configuration);
        services.AddDeadLetterRedrive();
        services.AddSyncServices(builder.Configuration);
        services.AddValidationServices(builder.Configuration);
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
        services.AddSingleton<VisualSimilarityPricingEngine>();
        services.AddSingleton(_ => new EmbeddingCache());
        services.AddSingleton(_ => new QualityCache());
        services.AddSingleton<PricingService>();
        services.AddSingleton<SalesWriter>();
        services.AddSingleton<SalesIndexLoader>();
        services.AddSingleton<DemoSeedingStatus>();
        services.AddSingleton<DemoSeeder>();
        services.AddSingleton<SalesImporter>();
        services.AddSingleton<RetrievalEvaluator>();
    }

    private static void AddLocalAdapters(IServiceCollection services, IConfiguration configuration, OnnxEmbedderOptions embedderOptions)
    {
        services.AddSingleton<ISalesStore>(sp =>
        {
            var portal = sp.GetRequiredService<IOptions<PortalOptions>>().Value;
            return new SqliteSalesStore(new SqliteStoreOptions { DatabasePath = portal.DatabasePath }, sp.GetRequiredService<TimeProvider>());
        });
        services.AddOptions<HousekeepingOptions>().Bind(configuration.GetSection(HousekeepingOptions.SectionName))
            .Validate(o => o.DrainedOutboxRetention >= TimeSpan.Zero, "Housekeeping:DrainedOutboxRetention must not be negative.").ValidateOnStart();
        services.AddSingleton<IPortalJob>(sp => new HousekeepingJob(
            (SqliteSalesStore)sp.GetRequiredService<ISalesStore>(),
            (SqliteIdempotencyStore)sp.GetRequiredService<IIdempotencyStore>(),
            sp.GetRequiredService<IOptions<HousekeepingOptions>>()));
        services.AddSingleton<IPricingDecisionStore>(sp => new SqlitePricingDecisionStore(sp.GetRequiredService<IOptions<PortalOptions>>().Value.DatabasePath));
        services.AddSingleton<ISalesLake>(sp => new ParquetSalesLake(LakeOptionsFrom(sp), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ISalesAnalytics>(sp => new DuckDbSalesAnalytics(LakeOptionsFrom(sp), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IImageStore>(sp => new FileImageStore(new FileImageStoreOptions
        {
            RootDirectory = sp.GetRequiredService<IOptions<PortalOptions>>().Value.ImagesDirectory,
        }));
        services.AddSingleton<IImageInspector>(sp =>
        {
            var limits = sp.GetRequiredService<IOptions<PricingLimits>>().Value;
            return new ImageInspector(new ImageLimits { MaxBytes = limits.MaxImageBytes, MaxPixels = limits.MaxPixels });
        });
        services.AddSingleton<OnnxImageEmbedder>(_ => new OnnxImageEmbedder(embedderOptions));
        services.AddSingleton<IEmbeddingGenerator<DataContent, Embedding<float>>>(sp => sp.GetRequiredService<OnnxImageEmbedder>());
        services.AddSingleton<IQualityAssessor, LocalQualityAssessor>();
    }

    private static LakeOptions LakeOptionsFrom(IServiceProvider sp) =>
        new() { RootDirectory = sp.GetRequiredService<IOptions<PortalOptions>>().Value.LakeDirectory };
}
