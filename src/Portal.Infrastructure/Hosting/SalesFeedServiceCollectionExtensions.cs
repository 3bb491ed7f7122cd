using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Portal.Core.Sales.Feed;

namespace Portal.Infrastructure.Hosting;

public static class SalesFeedServiceCollectionExtensions
{
    /// <summary>
    /// The change-feed follower for a host that prices (the portal): its options (section <c>SalesFeed</c>, validated at
    /// start), status, metrics and background service. The feed itself is the sales store's (both stores implement it).
    /// </summary>
    public static IHostApplicationBuilder AddSalesFeedFollower(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SalesFeedOptions>().Bind(builder.Configuration.GetSection(SalesFeedOptions.SectionName))
            .ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SalesFeedOptions>, SalesFeedOptionsValidator>());
        services.TryAddSingleton<ISalesChangeFeed>(sp => sp.GetRequiredService<ISalesStore>() as ISalesChangeFeed
            ?? throw new InvalidOperationException($"The sales store {sp.GetRequiredService<ISalesStore>().GetType().Name} has no change feed."));
        services.TryAddSingleton(sp => new SalesFeedStatus(
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<SalesFeedOptions>>().Value.HostName ?? ""));
        services.TryAddSingleton<SalesFeedMetrics>();
        services.AddHostedService<SalesFeedFollower>();
        return builder;
    }
}
