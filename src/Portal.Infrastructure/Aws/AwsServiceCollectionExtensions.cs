using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portal.Infrastructure.Aws.Athena;
using Portal.Infrastructure.Aws.Bedrock;
using Portal.Infrastructure.Aws.DynamoDb;
using Portal.Infrastructure.Aws.DynamoDb.Operations;
using Portal.Infrastructure.Aws.DynamoDb.Sales;
using Portal.Infrastructure.Aws.DynamoDb.Sync;
using Portal.Infrastructure.Aws.S3;
using Portal.Infrastructure.Aws.Signing;
using Portal.Infrastructure.Aws.Sns;

namespace Portal.Infrastructure.Aws;

public static class AwsServiceCollectionExtensions
{
    /// <summary>
    /// The production face (<c>Portal:Provider = Aws</c>): every port the embedded default serves, served by AWS instead.
    /// Registered before the embedded defaults, which are added with TryAdd and so only fill what AWS does not serve.
    /// </summary>
    public static IHostApplicationBuilder AddAwsAdapters(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var configuration = builder.Configuration;
        services.AddOptions<AwsOptions>().Bind(configuration.GetSection(AwsOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        // The default chain: environment, profile, container or instance role. Never keys from appsettings.
        services.TryAddSingleton<AWSCredentials>(_ => DefaultAWSCredentialsIdentityResolver.GetCredentials());
        services.TryAddSingleton<IAwsCredentialSource>(sp => new AwsSdkCredentialSource(sp.GetRequiredService<AWSCredentials>()));
        services.TryAddSingleton<SigV4Signer>();

        services.AddDynamoDbClient(configuration);
        services.AddDynamoDbSalesAdapters(configuration);
        services.AddDynamoDbSyncAdapters(configuration);
        services.AddDynamoDbOperationsAdapters(configuration);
        services.AddS3Adapters(configuration);
        services.AddAthenaAdapters(configuration);
        services.AddBedrockAdapters(configuration);
        services.AddSnsAlerts(configuration);
        return builder;
    }
}
