using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Portal.Infrastructure.Aws.DynamoDb.Operations;

public static class DynamoDbOperationsServiceCollectionExtensions
{
    /// <summary>Idempotency, product states, parked events, dead letters, image embeddings, pricing decisions, job runs, watermarks and validation reports.</summary>
    public static IServiceCollection AddDynamoDbOperationsAdapters(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services;
    }
}
