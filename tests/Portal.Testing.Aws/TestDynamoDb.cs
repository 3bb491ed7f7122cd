using Amazon.DynamoDBv2;
using Portal.Infrastructure.Aws;
using Portal.Infrastructure.Aws.DynamoDb;
using Portal.Infrastructure.Aws.DynamoDb.Provisioning;

namespace Portal.Testing.Aws;

/// <summary>Clients and tables on dynalite the way the portal makes them: its client configuration and its provisioner.</summary>
public static class TestDynamoDb
{
    /// <summary>Polls quickly: dynalite (started with zero table delays) has a new table ACTIVE at once.</summary>
    public static ProvisioningTimings FastTimings { get; } = new() { PollInterval = TimeSpan.FromMilliseconds(50), Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>A client configured as the portal configures its own (adaptive retry), signing with <see cref="TestAwsKeys"/>.</summary>
    public static AmazonDynamoDBClient CreateClient(string serviceUrl, int maxAttempts = 3) =>
        new(TestAwsKeys.SdkCredentials(), DynamoDbServiceCollectionExtensions.CreateClientConfig(
            new DynamoDbOptions { ServiceUrl = serviceUrl, MaxAttempts = maxAttempts },
            new AwsOptions { Region = TestAwsKeys.Region, Stage = "test" }));

    /// <summary>Creates the table of <paramref name="spec"/> with its GSIs, as <c>portal provision aws</c> does, and waits until it is ACTIVE.</summary>
    public static Task ProvisionAsync(IAmazonDynamoDB client, IDynamoDbTableSpec spec, CancellationToken cancellationToken = default) =>
        new DynamoDbTableProvisioner(client, [spec], FastTimings).ProvisionAsync(null, cancellationToken);
}
