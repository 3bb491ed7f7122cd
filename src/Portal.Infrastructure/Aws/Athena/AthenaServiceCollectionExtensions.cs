using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Portal.Infrastructure.Aws.Athena;

public static class AthenaServiceCollectionExtensions
{
    /// <summary>The analytics query catalogue and the validation lake reader over Athena.</summary>
    public static IServiceCollection AddAthenaAdapters(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services;
    }
}
