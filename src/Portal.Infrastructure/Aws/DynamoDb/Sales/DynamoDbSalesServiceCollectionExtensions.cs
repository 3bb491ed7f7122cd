using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Portal.Infrastructure.Aws.DynamoDb.Sales;

public static class DynamoDbSalesServiceCollectionExtensions
{
    /// <summary>The sales-intelligence table: the sales store and its outbox, the validation store reader, the table spec.</summary>
    public static IServiceCollection AddDynamoDbSalesAdapters(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services;
    }
}
