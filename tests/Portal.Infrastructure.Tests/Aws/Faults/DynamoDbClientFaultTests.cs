using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Portal.Testing.Aws;

namespace Portal.Infrastructure.Tests.Aws.Faults;

/// <summary>The DynamoDB client as the portal configures it (adaptive retry), against dynalite behind a proxy that throttles and fails.</summary>
public sealed class DynamoDbClientFaultTests : IAsyncLifetime
{
    private const string Table = "fault-test";
    private NodeTestServer _dynalite = null!;
    private FaultInjectingProxy _proxy = null!;
    private AmazonDynamoDBClient _client = null!;

    public async Task InitializeAsync()
    {
        _dynalite = await NodeTestServer.StartDynaliteAsync();
        _proxy = await FaultInjectingProxy.StartAsync(_dynalite.ServiceUrl, FaultDialect.DynamoDb);
        _client = Client(maxAttempts: 8);
        await _client.CreateTableAsync(new CreateTableRequest
        {
            TableName = Table,
            BillingMode = BillingMode.PAY_PER_REQUEST,
            AttributeDefinitions = [new AttributeDefinition("pk", ScalarAttributeType.S)],
            KeySchema = [new KeySchemaElement("pk", KeyType.HASH)],
        });
    }

    [Theory]
    [InlineData(FaultKind.Throttle)]
    [InlineData(FaultKind.ServerError)]
    public async Task A_write_that_meets_faults_is_retried_and_stored_once(FaultKind kind)
    {
        _proxy.FailNext(3, kind, FaultInjectingProxy.DynamoDbOperation("UpdateItem"));

        // A counter increment is not idempotent: had a faulted attempt reached the table, the count would be above one.
        await _client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = Table,
            Key = new() { ["pk"] = new AttributeValue("sale-1") },
            UpdateExpression = "ADD writes :one",
            ExpressionAttributeValues = new() { [":one"] = new AttributeValue { N = "1" } },
        });

        var item = await _client.GetItemAsync(Table, new() { ["pk"] = new AttributeValue("sale-1") });
        Assert.Equal("1", item.Item["writes"].N);
        Assert.Equal(3, _proxy.Injected);
    }

    [Fact]
    public async Task Throttling_beyond_the_attempt_budget_surfaces_as_the_service_error()
    {
        using var client = Client(maxAttempts: 2);
        _proxy.FailNext(5, FaultKind.Throttle, FaultInjectingProxy.DynamoDbOperation("PutItem"));

        await Assert.ThrowsAsync<ProvisionedThroughputExceededException>(() => client.PutItemAsync(Table,
            new() { ["pk"] = new AttributeValue("sale-2") }));

        Assert.Equal(2, _proxy.Injected);
        var item = await client.GetItemAsync(Table, new() { ["pk"] = new AttributeValue("sale-2") });
        Assert.False(item.IsItemSet);
    }

    private AmazonDynamoDBClient Client(int maxAttempts) => TestDynamoDb.CreateClient(_proxy.ServiceUrl, maxAttempts);

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _proxy.DisposeAsync();
        await _dynalite.DisposeAsync();
    }
}
