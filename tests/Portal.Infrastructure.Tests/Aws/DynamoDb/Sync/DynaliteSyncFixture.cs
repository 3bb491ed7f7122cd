using Amazon.DynamoDBv2;
using Portal.Infrastructure.Aws.DynamoDb.Sync;
using Portal.Testing.Aws;

namespace Portal.Infrastructure.Tests.Aws.DynamoDb.Sync;

/// <summary>
/// One dynalite for every DynamoDB sync test class, and a fresh sync table (provisioned from the production spec) per test.
/// </summary>
public sealed class DynaliteSyncFixture : IAsyncLifetime
{
    private NodeTestServer? _server;
    private AmazonDynamoDBClient? _client;
    private int _tables;

    public IAmazonDynamoDB Client => _client ?? throw new InvalidOperationException("The fixture is not initialised.");

    /// <summary>dynalite's address, for clients of a test's own (behind a fault-injecting proxy, say).</summary>
    public string ServiceUrl => _server?.ServiceUrl ?? throw new InvalidOperationException("The fixture is not initialised.");

    public async Task InitializeAsync()
    {
        _server = await NodeTestServer.StartDynaliteAsync();
        _client = TestDynamoDb.CreateClient(_server.ServiceUrl);
    }

    /// <summary>A new, empty, active sync table of its own.</summary>
    public async Task<DynamoDbSyncTable> NewTableAsync(DynamoDbSyncOptions? options = null)
    {
        var table = new DynamoDbSyncTable($"portal-sync-test{Interlocked.Increment(ref _tables)}", options ?? new DynamoDbSyncOptions());
        await TestDynamoDb.ProvisionAsync(Client, table);
        return table;
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class DynaliteSyncCollection : ICollectionFixture<DynaliteSyncFixture>
{
    public const string Name = "dynalite sync tables";
}
