using System.Collections.Concurrent;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Portal.Infrastructure.Aws;
using Portal.Infrastructure.Aws.DynamoDb;
using Portal.Infrastructure.Aws.DynamoDb.Sync;
using Portal.Testing.Aws;

namespace Portal.Infrastructure.Tests.Aws.DynamoDb.Sync;

/// <summary>
/// One dynalite for every DynamoDB sync test class, and a fresh sync table (created from the production spec) per test.
/// dynalite keeps a new table CREATING for half a second, so tables are created eight at a time and handed out from a pool.
/// </summary>
public sealed class DynaliteSyncFixture : IAsyncLifetime
{
    private const int TablesPerBatch = 8;
    private readonly ConcurrentQueue<string> _ready = new();
    private readonly SemaphoreSlim _creating = new(1, 1);
    private NodeTestServer? _server;
    private AmazonDynamoDBClient? _client;
    private int _tables;

    public IAmazonDynamoDB Client => _client ?? throw new InvalidOperationException("The fixture is not initialised.");

    /// <summary>dynalite's address, for clients of a test's own (behind a fault-injecting proxy, say).</summary>
    public string ServiceUrl => _server?.ServiceUrl ?? throw new InvalidOperationException("The fixture is not initialised.");

    public async Task InitializeAsync()
    {
        _server = await NodeTestServer.StartDynaliteAsync();
        _client = new AmazonDynamoDBClient(TestAwsKeys.SdkCredentials(), DynamoDbServiceCollectionExtensions.CreateClientConfig(
            new DynamoDbOptions { ServiceUrl = _server.ServiceUrl, MaxAttempts = 3 },
            new AwsOptions { Region = TestAwsKeys.Region, Stage = "test" }));
    }

    /// <summary>A new, empty, active sync table of its own.</summary>
    public async Task<DynamoDbSyncTable> NewTableAsync(DynamoDbSyncOptions? options = null)
    {
        string? name;
        while (!_ready.TryDequeue(out name))
        {
            await _creating.WaitAsync();
            try
            {
                if (_ready.IsEmpty)
                {
                    var names = Enumerable.Range(0, TablesPerBatch).Select(_ => $"portal-sync-test{Interlocked.Increment(ref _tables)}").ToList();
                    await Task.WhenAll(names.Select(CreateAsync));
                    names.ForEach(_ready.Enqueue);
                }
            }
            finally
            {
                _creating.Release();
            }
        }

        return new DynamoDbSyncTable(name, options ?? new DynamoDbSyncOptions());
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _creating.Dispose();
    }

    private async Task CreateAsync(string name)
    {
        await Client.CreateTableAsync(new DynamoDbSyncTable(name, new DynamoDbSyncOptions()).CreateTableRequest());
        while (true)
        {
            var table = (await Client.DescribeTableAsync(new DescribeTableRequest { TableName = name })).Table;
            if (table.TableStatus == TableStatus.ACTIVE && (table.GlobalSecondaryIndexes ?? []).All(i => i.IndexStatus == IndexStatus.ACTIVE))
            {
                return;
            }

            await Task.Delay(50);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class DynaliteSyncCollection : ICollectionFixture<DynaliteSyncFixture>
{
    public const string Name = "dynalite sync tables";
}
