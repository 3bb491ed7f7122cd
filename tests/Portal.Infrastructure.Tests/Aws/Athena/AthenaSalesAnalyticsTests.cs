using Portal.Core.Sales;
using Portal.Infrastructure.Embedded.Lake;
using Portal.Infrastructure.Tests.Storage;
using Portal.Testing.Aws.Athena;

namespace Portal.Infrastructure.Tests.Aws.Athena;

/// <summary>
/// The analytics contract run through Athena: the catalogue rendered in Athena's dialect, sent by the typed client (SigV4,
/// JSON 1.1, polling, paging with a three-row page so every multi-row answer spans pages) to the fake, which answers with
/// DuckDB over the same Parquet files the DuckDB adapter reads.
/// </summary>
public sealed class AthenaSalesAnalyticsTests : SalesAnalyticsContract
{
    protected override async Task<ISalesAnalytics> CreateAnalyticsAsync(LakeOptions options, TimeProvider time)
    {
        var server = await FakeAthenaServer.StartAsync(options.RootDirectory);
        server.PageSize = 3;
        DisposeAfterTest(server);
        var client = AthenaTestClient.Create(server);
        DisposeAfterTest(client);
        return client.Analytics;
    }
}
