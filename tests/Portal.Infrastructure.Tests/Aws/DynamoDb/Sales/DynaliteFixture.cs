using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Portal.Infrastructure.Aws;
using Portal.Infrastructure.Aws.DynamoDb;
using Portal.Infrastructure.Aws.DynamoDb.Provisioning;
using Portal.Infrastructure.Aws.DynamoDb.Sales;
using Portal.Testing.Aws;

namespace Portal.Infrastructure.Tests.Aws.DynamoDb.Sales;

/// <summary>One dynalite for every DynamoDB sales test class (they run one after another); each test gets its own table.</summary>
public sealed class DynaliteFixture : IAsyncLifetime
{
    private int _tables;
    private NodeTestServer? _server;
    private AmazonDynamoDBClient? _client;

    public static ProvisioningTimings FastTimings => TestDynamoDb.FastTimings;

    public string ServiceUrl => _server!.ServiceUrl;

    public IAmazonDynamoDB Client => _client!;

    public async Task InitializeAsync()
    {
        _server = await NodeTestServer.StartDynaliteAsync();
        _client = CreateClient();
    }

    public AmazonDynamoDBClient CreateClient() => TestDynamoDb.CreateClient(ServiceUrl);

    /// <summary>A fresh stage name, so a fresh <c>sales-intelligence-{stage}</c>.</summary>
    public string NextStage() => "t" + Interlocked.Increment(ref _tables).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A new, empty sales-intelligence table provisioned from its spec.</summary>
    public async Task<string> CreateSalesTableAsync()
    {
        var name = SalesIntelligenceTable.NameFor(NextStage());
        await TestDynamoDb.ProvisionAsync(Client, new SalesIntelligenceTableSpec(name));
        return name;
    }

    public async Task DeleteTableAsync(string? table)
    {
        if (table is not null)
        {
            try
            {
                await Client.DeleteTableAsync(new DeleteTableRequest { TableName = table });
            }
            catch (ResourceNotFoundException)
            {
            }
        }
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
public sealed class DynaliteCollection : ICollectionFixture<DynaliteFixture>
{
    public const string Name = "dynalite sales";
}
