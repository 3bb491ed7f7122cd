using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Portal.Infrastructure.Aws.DynamoDb;

public static class DynamoDbServiceCollectionExtensions
{
    /// <summary>The one DynamoDB client of the process: the region (or an endpoint override), adaptive retry, the credential chain.</summary>
    public static IServiceCollection AddDynamoDbClient(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DynamoDbOptions>().Bind(configuration.GetSection(DynamoDbOptions.SectionName)).ValidateDataAnnotations()
            .Validate(o => o.RequestTimeout > TimeSpan.Zero, "Aws:DynamoDb:RequestTimeout must be positive.")
            .Validate(o => string.IsNullOrWhiteSpace(o.ServiceUrl) || Uri.TryCreate(o.ServiceUrl, UriKind.Absolute, out _), "Aws:DynamoDb:ServiceUrl must be an absolute URL.")
            .ValidateOnStart();
        services.TryAddSingleton<IAmazonDynamoDB>(sp => new AmazonDynamoDBClient(
            sp.GetRequiredService<AWSCredentials>(),
            CreateClientConfig(sp.GetRequiredService<IOptions<DynamoDbOptions>>().Value, sp.GetRequiredService<IOptions<AwsOptions>>().Value)));
        return services;
    }

    public static AmazonDynamoDBConfig CreateClientConfig(DynamoDbOptions options, AwsOptions aws)
    {
        var config = new AmazonDynamoDBConfig
        {
            // Adaptive: standard retries plus a client-side rate limiter that backs off when DynamoDB throttles.
            RetryMode = RequestRetryMode.Adaptive,
            MaxErrorRetry = options.MaxAttempts - 1,
            Timeout = options.RequestTimeout,
        };
        return config.WithEndpoint(options.ServiceUrl, aws.Region);
    }
}
