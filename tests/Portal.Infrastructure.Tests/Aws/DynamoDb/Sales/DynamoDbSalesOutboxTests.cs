using Amazon.DynamoDBv2.Model;
using Portal.Core.Sales;
using Portal.Core.Sync;
using Portal.Infrastructure.Aws.DynamoDb.Sales;
using Portal.Infrastructure.Tests.Storage;
using static Portal.Infrastructure.Tests.Storage.StorageTestData;

namespace Portal.Infrastructure.Tests.Aws.DynamoDb.Sales;

/// <summary>The outbox contract against dynalite, plus the DynamoDB specifics: one item per sale and outbox row, a crash mid-claim.</summary>
[Collection(DynaliteCollection.Name)]
public sealed class DynamoDbSalesOutboxTests(DynaliteFixture dynalite) : SalesOutboxContract
{
    private string? _table;

    protected override async Task InitializeStorageAsync() => _table = await dynalite.CreateSalesTableAsync();

    protected override Task DisposeStorageAsync() => dynalite.DeleteTableAsync(_table);

    protected override ISalesOutbox CreateOutbox(TimeProvider timeProvider) =>
        new DynamoDbSalesStore(dynalite.Client, _table!, new DynamoDbSalesOptions { OutboxShards = 3 }, timeProvider);

    [Fact]
    public async Task TheSaleItemItselfCarriesTheOutboxMarkUntilDrained()
    {
        var outbox = CreateOutbox(Time);
        await outbox.AddSalesWithOutboxAsync([(Sale("acme", "s1", 10m, Utc(2025, 5, 3), productId: "p1"), null)], Ct);
        var key = new Dictionary<string, AttributeValue> { ["pk"] = new() { S = "TENANT#acme#PRODUCT#p1" }, ["sk"] = new() { S = "SALE#2025-05-03T12:00:00.0000000Z#s1" } };

        var pending = await GetAsync(key);
        Assert.Equal("1", pending["outbox_pending"].N);
        Assert.StartsWith("OUTBOX#", pending["OUTBOXPK"].S, StringComparison.Ordinal);
        Assert.StartsWith(Now.ToUnixTimeMilliseconds().ToString("D15", System.Globalization.CultureInfo.InvariantCulture) + "#acme#s1", pending["OUTBOXSK"].S, StringComparison.Ordinal);

        var batch = (await outbox.ClaimBatchAsync(10, Ct))!;
        var claimed = await GetAsync(key);
        Assert.Equal(batch.BatchId.ToString(System.Globalization.CultureInfo.InvariantCulture), claimed["outbox_batch"].N);
        Assert.False(claimed.ContainsKey("OUTBOXPK"));

        await outbox.MarkDrainedAsync(batch.BatchId, Ct);
        var drained = await GetAsync(key);
        Assert.False(drained.ContainsKey("outbox_pending"));
        Assert.False(drained.ContainsKey("outbox_batch"));
        Assert.Equal("s1", drained["saleId"].S);
    }

    [Fact]
    public async Task AClaimInterruptedAfterItsBatchItemWasWrittenIsCompletedByTheNextClaim()
    {
        var outbox = CreateOutbox(Time);
        await outbox.AddSalesWithOutboxAsync([(Sale("acme", "s1", 10m, Utc(2025, 5, 3), productId: "p1"), null), (Sale("acme", "s2", 11m, Utc(2025, 5, 4), productId: "p2"), null)], Ct);
        // A worker wrote batch 41 naming both rows, claimed s1 only, and died.
        var members = new[] { ("TENANT#acme#PRODUCT#p1", "SALE#2025-05-03T12:00:00.0000000Z#s1"), ("TENANT#acme#PRODUCT#p2", "SALE#2025-05-04T12:00:00.0000000Z#s2") };
        await dynalite.Client.PutItemAsync(new PutItemRequest
        {
            TableName = _table,
            Item = new Dictionary<string, AttributeValue>
            {
                ["pk"] = new() { S = "OUTBOX#BATCH" }, ["sk"] = new() { S = "000000000041" }, ["batchId"] = new() { N = "41" },
                ["state"] = new() { S = "CLAIMING" }, ["memberCount"] = new() { N = "2" }, ["oldestEnqueuedMs"] = new() { N = Now.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture) },
                ["members"] = new()
                {
                    L = [.. members.Select(m => new AttributeValue { M = new Dictionary<string, AttributeValue> { ["pk"] = new() { S = m.Item1 }, ["sk"] = new() { S = m.Item2 }, ["enq"] = new() { N = "0" } } })],
                },
            },
        });
        await dynalite.Client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = _table,
            Key = new Dictionary<string, AttributeValue> { ["pk"] = new() { S = members[0].Item1 }, ["sk"] = new() { S = members[0].Item2 } },
            UpdateExpression = "SET outbox_batch = :b REMOVE OUTBOXPK, OUTBOXSK",
            ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":b"] = new() { N = "41" } },
        });

        var batch = (await CreateOutbox(Time).ClaimBatchAsync(10, Ct))!;

        Assert.Equal(41, batch.BatchId);
        Assert.Equal(["s1", "s2"], batch.Rows.Select(r => r.Sale.SaleId));
        await outbox.MarkDrainedAsync(41, Ct);
        Assert.Null(await outbox.ClaimBatchAsync(10, Ct));
        Assert.Equal(new OutboxStatus(0, null), await outbox.GetStatusAsync(Ct));
    }

    private async Task<Dictionary<string, AttributeValue>> GetAsync(Dictionary<string, AttributeValue> key) =>
        (await dynalite.Client.GetItemAsync(new GetItemRequest { TableName = _table, Key = key, ConsistentRead = true })).Item;
}
