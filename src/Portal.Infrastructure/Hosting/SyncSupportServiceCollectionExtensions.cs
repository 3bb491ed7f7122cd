using Microsoft.Extensions.DependencyInjection.Extensions;
using Portal.Core.Images;
using Portal.Infrastructure.Http;

namespace Portal.Infrastructure.Hosting;

public static class SyncSupportServiceCollectionExtensions
{
    /// <summary>What every sync transport and import share: the sale photos' options and resolver (the stores come with the provider's adapters).</summary>
    public static IServiceCollection AddSyncSupportServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SaleImageOptions>().Bind(configuration.GetSection(SaleImageOptions.SectionName)).ValidateDataAnnotations()
            .Validate(o => o.FetchTimeout > TimeSpan.Zero && o.FetchTimeout <= TimeSpan.FromMinutes(5), "Sync:Images:FetchTimeout must lie between 0 and 5 minutes.")
            .Validate(o => o.MaxConcurrentFetchesPerHost <= o.MaxConcurrentFetches, "Sync:Images:MaxConcurrentFetchesPerHost must not exceed Sync:Images:MaxConcurrentFetches.")
            .ValidateOnStart();
        services.TryAddSingleton<SaleImageResolver>();
        services.TryAddSingleton<ISaleImageResolver>(sp => sp.GetRequiredService<SaleImageResolver>());
        return services;
    }
}
