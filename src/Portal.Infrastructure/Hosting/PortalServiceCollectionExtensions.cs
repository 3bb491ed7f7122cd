using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Portal.Core.Images;
using Portal.Core.Imports;
using Portal.Core.Jobs;
using Portal.Core.Pricing;
using Portal.Core.Pricing.Calibration;
using Portal.Core.Pricing.Engine;
using Portal.Core.Pricing.Evaluation;
using Portal.Core.Pricing.Similarity;
using Portal.Infrastructure.Aws;
using Portal.Infrastructure.Aws.ParameterStore;
using Portal.Infrastructure.Demo;
using Portal.Infrastructure.Embedded;
using Portal.Infrastructure.Embedded.Imaging;
using Portal.Infrastructure.Formats.Imaging;
using Portal.Infrastructure.Hosting.Jobs;
using Portal.Infrastructure.SmartGo;

namespace Portal.Infrastructure.Hosting;

public static class PortalServiceCollectionExtensions
{
    /// <summary>
    /// Everything the hosts (portal, worker, CLI) share: options, the use cases, and the adapters of the configured provider,
    /// picked here once: <c>Portal:Provider = Aws</c> registers the AWS adapters, <c>Local</c> the embedded ones. The image
    /// inspection, the ONNX embedder and the image-statistics assessor serve both providers (AWS may put Bedrock first).
    /// </summary>
    public static IHostApplicationBuilder AddPortal(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        builder.AddParameterStoreConfiguration();
        services.TryAddSingletonTimeProvider();
        services.AddOptions<PortalOptions>().Bind(builder.Configuration.GetSection(PortalOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DemoOptions>().Bind(builder.Configuration.GetSection(DemoOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<EmbeddedStorageOptions>().Bind(builder.Configuration.GetSection(EmbeddedStorageOptions.SectionName)).ValidateDataAnnotations()
            .Validate(o => o.SalesRetention > TimeSpan.Zero, "Portal:SalesRetention must be positive.").ValidateOnStart();
        switch (PortalOptions.IsAws(builder.Configuration) ? PortalOptions.AwsProvider : PortalOptions.LocalProvider)
        {
            case PortalOptions.AwsProvider:
                builder.AddAwsAdapters();
                break;
            default:
                services.AddEmbeddedAdapters(builder.Configuration);
                break;
        }

        AddSharedImageAdapters(services, builder.Configuration.GetSection("Embedding").Get<OnnxEmbedderOptions>() ?? new OnnxEmbedderOptions());
        AddPricingOptions(services, builder.Configuration);
        AddPricingServices(services, builder.Configuration.GetSection("SimilarityIndex").Get<IndexOptions>() ?? new IndexOptions());
        services.AddBatchPricing(builder.Configuration);
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

    private static void AddPricingOptions(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PricingOptions>().Bind(configuration.GetSection(PricingOptions.SectionName)).ValidateDataAnnotations()
            .Validate(o => o.LookbackWindow > TimeSpan.Zero && o.WidenedLookbackWindow >= o.LookbackWindow && o.MaxLookbackWindow >= o.WidenedLookbackWindow,
                "Pricing:LookbackWindow ≤ WidenedLookbackWindow ≤ MaxLookbackWindow, all positive.")
            .Validate(o => o.RecencyHalfLife > TimeSpan.Zero, "Pricing:RecencyHalfLife must be positive.")
            .Validate(o => o.RangeLowQuantile < o.RangeHighQuantile, "Pricing:RangeLowQuantile must be below Pricing:RangeHighQuantile.")
            .Validate(o => o.CalibrationRefreshInterval >= TimeSpan.FromSeconds(1) && o.CalibrationRefreshInterval <= TimeSpan.FromDays(1),
                "Pricing:CalibrationRefreshInterval must lie in [1 second, 1 day].")
            .ValidateOnStart();
        services.AddOptions<PricingLimits>().Bind(configuration.GetSection(PricingLimits.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PricingConcurrencyOptions>().Bind(configuration.GetSection(PricingConcurrencyOptions.SectionName)).ValidateDataAnnotations()
            .Validate(o => !o.Problems().Any(), $"{PricingConcurrencyOptions.SectionName}: QueueTimeout must lie in (0, 5 minutes] and RetryAfter in [1 second, 1 hour].")
            .ValidateOnStart();
        services.AddOptions<PriceLimits>().Bind(configuration.GetSection(PriceLimits.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PriceLimits>, PriceLimitsValidator>());
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

    /// <summary>What both providers use unless AWS registered its own first (Bedrock's embedder and assessor).</summary>
    private static void AddSharedImageAdapters(IServiceCollection services, OnnxEmbedderOptions embedderOptions)
    {
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
}
