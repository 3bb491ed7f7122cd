using Xunit.Abstractions;

namespace Portal.Infrastructure.Tests.Feed;

/// <summary><c>Portal:Provider = Aws</c> for every host: DynamoDB on dynalite (its change-feed GSI), S3 on s3rver.</summary>
[Collection(PortalClusterCollection.Name)]
public sealed class AwsChangeFeedAcrossProcessesTests(ITestOutputHelper output) : ChangeFeedAcrossProcessesContract(output)
{
    private protected override Task<ClusterStorage> CreateStorageAsync(string dataDirectory) => ClusterStorage.AwsAsync(dataDirectory);
}
