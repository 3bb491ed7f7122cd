using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Portal.Infrastructure.Aws.S3;

public static class S3ServiceCollectionExtensions
{
    /// <summary>Product images and the sales_history lake on S3.</summary>
    public static IServiceCollection AddS3Adapters(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services;
    }
}
