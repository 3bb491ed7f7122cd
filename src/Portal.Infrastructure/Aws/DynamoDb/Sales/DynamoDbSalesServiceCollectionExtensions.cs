using Amazon.DynamoDBv2;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Portal.Core.Validation;
using Portal.Infrastructure.Aws.DynamoDb.Provisioning;

namespace Portal.Infrastructure.Aws.DynamoDb.Sales;

public static class DynamoDbSalesServiceCollectionExtensions
{
    /// <summary>The sales-intelligence table: the sales store and its outbox, the validation store reader, the table spec, the provisioner.</summary>
    public static IServiceCollection AddDynamoDbSalesAdapters(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<DynamoDbSalesOptions>().Bind(configuration.GetSection(DynamoDbSalesOptions.SectionName)).ValidateDataAnnotations()
            .Validate(o => o.RetentionPeriod > TimeSpan.Zero, "Aws:DynamoDb:Sales:RetentionPeriod must be positive.")
            .ValidateOnStart();

        services.TryAddSingleton(sp => new SalesIntelligenceTableSpec(TableName(sp)));
        services.AddSingleton<IDynamoDbTableSpec>(sp => sp.GetRequiredService<SalesIntelligenceTableSpec>());
        services.TryAddSingleton(sp => new DynamoDbSalesStore(
            sp.GetRequiredService<IAmazonDynamoDB>(), TableName(sp), sp.GetRequiredService<IOptions<DynamoDbSalesOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(), sp.GetService<ILogger<DynamoDbSalesStore>>()));
        // One instance serves both ports: the outbox mark lives on the sale item itself.
        services.TryAddSingleton<ISalesStore>(sp => sp.GetRequiredService<DynamoDbSalesStore>());
        services.TryAddSingleton<ISalesOutbox>(sp => sp.GetRequiredService<DynamoDbSalesStore>());
        services.TryAddSingleton<IValidationStoreReader>(sp => new DynamoDbValidationStoreReader(
            sp.GetRequiredService<IAmazonDynamoDB>(), TableName(sp), sp.GetRequiredService<IOptions<DynamoDbSalesOptions>>().Value,
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new DynamoDbTableProvisioner(sp.GetRequiredService<IAmazonDynamoDB>(), sp.GetServices<IDynamoDbTableSpec>()));
        return services;
    }

    private static string TableName(IServiceProvider services) =>
        services.GetRequiredService<IOptions<DynamoDbSalesOptions>>().Value.ResolveTableName(services.GetRequiredService<IOptions<AwsOptions>>().Value.Stage);
}
