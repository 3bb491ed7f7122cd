using Microsoft.Extensions.Options;
using Portal.Core.Jobs;
using Portal.Core.Validation;
using Portal.Infrastructure.Http;

namespace Portal.Infrastructure.Hosting;

public static class ValidationServiceCollectionExtensions
{
    /// <summary>The nightly validation job, its report store, the lake repair and the alert sinks (log always, webhook when configured).</summary>
    public static IServiceCollection AddValidationServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ValidationOptions>().Bind(configuration.GetSection(ValidationOptions.SectionName)).ValidateDataAnnotations()
            .Validate(o => o.EmbeddingDimensions.Values.All(d => d is { Length: > 0 } && d.All(x => x > 0)),
                "Validation:EmbeddingDimensions: every model needs at least one positive dimension.")
            .ValidateOnStart();
        services.AddAlertServices(configuration);

        // The readers and the report store come with the provider's adapters. The store's own retention (its TTL) is passed,
        // so expired rows are left out of the lake counts exactly as the store hides them.
        services.AddSingleton(sp => new SalesValidator(
            sp.GetRequiredService<IValidationStoreReader>(), sp.GetRequiredService<IValidationLakeReader>(),
            sp.GetRequiredService<ISalesStore>().RetentionPeriod,
            sp.GetRequiredService<IOptions<ValidationOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ILakeRepairer>(sp => new LakeRepairer(
            sp.GetRequiredService<IValidationStoreReader>(), sp.GetRequiredService<IValidationLakeReader>(), sp.GetRequiredService<ISalesLake>(),
            sp.GetRequiredService<IValidationReportStore>(), sp.GetRequiredService<TimeProvider>(), sp.GetService<Microsoft.Extensions.Logging.ILogger<LakeRepairer>>()));
        services.AddSingleton<NightlyValidationJob>();
        services.AddSingleton<IPortalJob>(sp => sp.GetRequiredService<NightlyValidationJob>());
        return services;
    }

    private static void AddAlertServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AlertOptions>().Bind(configuration.GetSection(AlertOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IAlertSink, LogAlertSink>();
        services.AddSingleton<WebhookAlertSink>(sp => new WebhookAlertSink(sp.GetRequiredService<IOptions<AlertOptions>>().Value));
        services.AddSingleton<IAlertSink>(sp => sp.GetRequiredService<IOptions<AlertOptions>>().Value.WebhookUri is null
            ? NoWebhook.Instance
            : sp.GetRequiredService<WebhookAlertSink>());
        services.AddSingleton<AlertPublisher>();
    }

    /// <summary>Stands in for the webhook when none is configured (registration happens before options are known).</summary>
    private sealed class NoWebhook : IAlertSink
    {
        public static readonly NoWebhook Instance = new();

        public Task SendAsync(Alert alert, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
