using Amazon.DynamoDBv2;
using Portal.Infrastructure.Aws.DynamoDb.Operations;
using Portal.Testing.Aws;

namespace Portal.Infrastructure.Tests.Aws.DynamoDb.Operations;

/// <summary>
/// One dynalite for the operations-store test classes (a collection), and a fresh <c>portal-operations-{stage}</c> table
/// provisioned from <see cref="OperationsTableSpec"/> per test, so every test starts empty.
/// </summary>
public sealed class OperationsDynaliteFixture : IAsyncLifetime
{
    private NodeTestServer? _server;
    private int _tableCount;

    public IAmazonDynamoDB Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _server = await NodeTestServer.StartDynaliteAsync();
        Client = TestDynamoDb.CreateClient(_server.ServiceUrl);
    }

    /// <summary>An empty operations table of its own stage.</summary>
    public async Task<OperationsTable> NewTableAsync()
    {
        var spec = new OperationsTableSpec($"t{Interlocked.Increment(ref _tableCount)}");
        await TestDynamoDb.ProvisionAsync(Client, spec);
        return new OperationsTable(Client, spec);
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class OperationsDynaliteCollection : ICollectionFixture<OperationsDynaliteFixture>
{
    public const string Name = "DynamoDB operations (dynalite)";
}
