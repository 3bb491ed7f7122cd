using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Portal.Infrastructure.Aws.Bedrock;

public static class BedrockServiceCollectionExtensions
{
    /// <summary>Titan image embeddings and Nova Lite quality assessment over Bedrock Runtime.</summary>
    public static IServiceCollection AddBedrockAdapters(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services;
    }
}
