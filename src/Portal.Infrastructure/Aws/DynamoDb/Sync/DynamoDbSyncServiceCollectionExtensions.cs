using Amazon.DynamoDBv2;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Portal.Core.Images;
using Portal.Core.Sync;

namespace Portal.Infrastructure.Aws.DynamoDb.Sync;

public static class DynamoDbSyncServiceCollectionExtensions
{
    /// <summary>
    /// The sync table (<c>portal-sync-{Aws:Stage}</c>) as a table spec for provisioning, and the five sync stores over it:
    /// idempotency, product states, parked events, image embeddings and dead letters. Expects <see cref="AwsOptions"/> and the
    /// <see cref="IAmazonDynamoDB"/> client (<c>AddDynamoDbClient</c>) to be registered.
    /// </summary>
    public static IServiceCollection AddDynamoDbSyncAdapters(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<DynamoDbSyncOptions>().Bind(configuration.GetSection(DynamoDbSyncOptions.SectionName)).ValidateDataAnnotations()
            .Validate(o => o.IdempotencyExpiry > TimeSpan.Zero, "Aws:DynamoDb:Sync:IdempotencyExpiry must be positive.")
            .Validate(o => o.ProductEventRetention > TimeSpan.Zero, "Aws:DynamoDb:Sync:ProductEventRetention must be positive.")
            .Validate(o => o.ParkedEventGrace >= TimeSpan.Zero, "Aws:DynamoDb:Sync:ParkedEventGrace must not be negative.")
            .Validate(o => o.ResolvedDeadLetterRetention > TimeSpan.Zero, "Aws:DynamoDb:Sync:ResolvedDeadLetterRetention must be positive.")
            .ValidateOnStart();
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<DynamoDbSyncOptions>>().Value;
            var name = string.IsNullOrWhiteSpace(options.TableName)
                ? DynamoDbSyncTable.DefaultName(sp.GetRequiredService<IOptions<AwsOptions>>().Value.Stage)
                : options.TableName;
            return new DynamoDbSyncTable(name, options);
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDynamoDbTableSpec, DynamoDbSyncTable>(sp => sp.GetRequiredService<DynamoDbSyncTable>()));
        services.TryAddSingleton<IIdempotencyStore>(sp => new DynamoDbIdempotencyStore(Client(sp), Table(sp), Time(sp)));
        services.TryAddSingleton<IProductStateStore>(sp => new DynamoDbProductStateStore(Client(sp), Table(sp), Time(sp)));
        services.TryAddSingleton<IParkedEventStore>(sp => new DynamoDbParkedEventStore(Client(sp), Table(sp), Time(sp)));
        services.TryAddSingleton<IImageEmbeddingStore>(sp => new DynamoDbImageEmbeddingStore(Client(sp), Table(sp), Time(sp)));
        services.TryAddSingleton<IDeadLetterStore>(sp => new DynamoDbDeadLetterStore(Client(sp), Table(sp), Time(sp)));
        return services;
    }

    private static IAmazonDynamoDB Client(IServiceProvider sp) => sp.GetRequiredService<IAmazonDynamoDB>();

    private static DynamoDbSyncTable Table(IServiceProvider sp) => sp.GetRequiredService<DynamoDbSyncTable>();

    private static TimeProvider Time(IServiceProvider sp) => sp.GetRequiredService<TimeProvider>();
}
