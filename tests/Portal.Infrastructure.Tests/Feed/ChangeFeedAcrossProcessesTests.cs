using Xunit.Abstractions;

namespace Portal.Infrastructure.Tests.Feed;

/// <summary>The embedded default: every host on one data folder (SQLite, Parquet, photo files), as on one machine.</summary>
[Collection(PortalClusterCollection.Name)]
public sealed class ChangeFeedAcrossProcessesTests(ITestOutputHelper output) : ChangeFeedAcrossProcessesContract(output)
{
    private protected override Task<ClusterStorage> CreateStorageAsync(string dataDirectory) => Task.FromResult(ClusterStorage.Embedded(dataDirectory));
}
