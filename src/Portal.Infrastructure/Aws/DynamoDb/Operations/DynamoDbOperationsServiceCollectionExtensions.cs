using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Portal.Core.Jobs;
using Portal.Core.Pricing.Batches;
using Portal.Core.Pricing.Decisions;
using Portal.Core.Validation;

namespace Portal.Infrastructure.Aws.DynamoDb.Operations;

public static class DynamoDbOperationsServiceCollectionExtensions
{
    /// <summary>
    /// Pricing decisions and batches, job runs, job watermarks and validation reports in the table <c>portal-operations-{Aws:Stage}</c>,
    /// declared for <c>portal provision aws</c> as an <see cref="IDynamoDbTableSpec"/>. Uses the process's one <c>IAmazonDynamoDB</c>.
    /// </summary>
    public static IServiceCollection AddDynamoDbOperationsAdapters(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(sp => new OperationsTableSpec(sp.GetRequiredService<IOptions<AwsOptions>>().Value.Stage));
        services.AddSingleton<IDynamoDbTableSpec>(sp => sp.GetRequiredService<OperationsTableSpec>());
        services.TryAddSingleton<OperationsTable>();
        services.TryAddSingleton<IPricingDecisionStore, DynamoDbPricingDecisionStore>();
        services.TryAddSingleton<IPricingBatchStore, DynamoDbPricingBatchStore>();
        services.TryAddSingleton<IJobRunStore, DynamoDbJobRunStore>();
        services.TryAddSingleton<IJobWatermarkStore, DynamoDbJobWatermarkStore>();
        services.TryAddSingleton<IValidationReportStore, DynamoDbValidationReportStore>();
        return services;
    }
}
