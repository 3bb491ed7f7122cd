using System.Collections.Concurrent;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Portal.Infrastructure.Aws;
using Portal.Infrastructure.Aws.DynamoDb;
using Portal.Infrastructure.Aws.DynamoDb.Operations;
using Portal.Testing.Aws;

namespace Portal.Infrastructure.Tests.Aws.DynamoDb.Operations;

/// <summary>
/// One dynalite for the operations-store test classes (a collection), and a fresh <c>portal-operations-{stage}</c> table from
/// <see cref="OperationsTableSpec"/> per test, so every test starts empty. dynalite keeps a new table CREATING for 500 ms, so a
/// batch of tables is created up front in parallel and handed out one per test.
/// </summary>
public sealed class OperationsDynaliteFixture : IAsyncLifetime
{
    private const int PreparedTables = 48;
    private readonly ConcurrentQueue<OperationsTable> _ready = new();
    private NodeTestServer? _server;
    private int _tableCount;

    public IAmazonDynamoDB Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _server = await NodeTestServer.StartDynaliteAsync();
        Client = new AmazonDynamoDBClient(TestAwsKeys.SdkCredentials(), DynamoDbServiceCollectionExtensions.CreateClientConfig(
            new DynamoDbOptions { ServiceUrl = _server.ServiceUrl, MaxAttempts = 3 }, new AwsOptions { Region = TestAwsKeys.Region, Stage = "test" }));
        foreach (var table in await Task.WhenAll(Enumerable.Range(0, PreparedTables).Select(_ => CreateNewTableAsync())))
        {
            _ready.Enqueue(table);
        }
    }

    /// <summary>An empty operations table of its own stage.</summary>
    public Task<OperationsTable> NewTableAsync() =>
        _ready.TryDequeue(out var table) ? Task.FromResult(table) : CreateNewTableAsync();

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private async Task<OperationsTable> CreateNewTableAsync()
    {
        var spec = new OperationsTableSpec($"t{Interlocked.Increment(ref _tableCount)}");
        await Client.CreateTableAsync(spec.CreateTableRequest());
        for (var attempt = 0; ; attempt++)
        {
            var table = (await Client.DescribeTableAsync(spec.TableName)).Table;
            if (table.TableStatus == TableStatus.ACTIVE && (table.GlobalSecondaryIndexes ?? []).All(i => i.IndexStatus == IndexStatus.ACTIVE))
            {
                return new OperationsTable(Client, spec);
            }

            if (attempt > 200)
            {
                throw new TimeoutException($"Table {spec.TableName} did not become ACTIVE.");
            }

            await Task.Delay(50);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class OperationsDynaliteCollection : ICollectionFixture<OperationsDynaliteFixture>
{
    public const string Name = "DynamoDB operations (dynalite)";
}
