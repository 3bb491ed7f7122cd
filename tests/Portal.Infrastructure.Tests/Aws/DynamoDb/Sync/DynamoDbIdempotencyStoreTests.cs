using Amazon.DynamoDBv2.Model;
using Portal.Core.Sales;
using Portal.Core.Sync;
using Portal.Infrastructure.Aws.DynamoDb.Sync;
using Portal.Infrastructure.Tests.Sync;

namespace Portal.Infrastructure.Tests.Aws.DynamoDb.Sync;

/// <summary>The idempotency contract against dynalite, one sync table per test.</summary>
[Collection(DynaliteSyncCollection.Name)]
public sealed class DynamoDbIdempotencyStoreTests(DynaliteSyncFixture dynalite) : IdempotencyStoreContract, IAsyncLifetime
{
    private DynamoDbSyncTable? _table;

    public async Task InitializeAsync() => _table = await dynalite.NewTableAsync(new DynamoDbSyncOptions { IdempotencyExpiry = Options.Expiry });

    public Task DisposeAsync() => Task.CompletedTask;

    protected override IIdempotencyStore CreateStore(TimeProvider timeProvider, IdempotencyOptions options) =>
        new DynamoDbIdempotencyStore(dynalite.Client, _table!, timeProvider);

    [Fact]
    public async Task TheRecordIsOneItemWithTheKeyAsPkAndTheExpiryAsTtl()
    {
        var store = CreateStore(Time, Options);
        var key = new IdempotencyKey(new TenantId("acme"), "product.sold", "e-9");

        await store.TryBeginAsync(key, new string('a', 64), Options.Lease, Ct);
        await store.CompleteAsync(key, "{\"ok\":true}", Ct);

        var item = (await dynalite.Client.GetItemAsync(new GetItemRequest
        {
            TableName = _table!.TableName,
            Key = new() { ["pk"] = new AttributeValue { S = "IDEM#acme#product.sold#e-9" }, ["sk"] = new AttributeValue { S = "IDEM" } },
        }, Ct)).Item;
        Assert.Equal("COMPLETED", item["status"].S);
        Assert.Equal("{\"ok\":true}", item["outcome"].S);
        Assert.Equal(Time.GetUtcNow().Add(Options.Expiry).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), item["ttl"].N);
    }

    [Fact]
    public async Task AManyClaimRepeatingAKeySeesItsEarlierClaim()
    {
        var store = CreateStore(Time, Options);
        var acme = new TenantId("acme");
        var claims = await store.TryBeginManyAsync(
            [(new IdempotencyKey(acme, "t", "1"), new string('a', 64)), (new IdempotencyKey(acme, "t", "2"), new string('a', 64)),
             (new IdempotencyKey(acme, "t", "1"), new string('a', 64)), (new IdempotencyKey(acme, "t", "1"), new string('b', 64))],
            Options.Lease, Ct);

        Assert.Equal([IdempotencyClaimKind.Started, IdempotencyClaimKind.Started, IdempotencyClaimKind.InProgress, IdempotencyClaimKind.PayloadMismatch],
            claims.Select(c => c.Kind));
        var completed = await store.CompleteManyAsync([(new IdempotencyKey(acme, "t", "1"), "{}"), (new IdempotencyKey(acme, "t", "never"), "{}")], Ct);
        Assert.Equal([true, false], completed);
    }

    [Fact]
    public async Task RefusesAHashThatIsNotASha256AndWritesNothing()
    {
        var store = CreateStore(Time, Options);
        var key = new IdempotencyKey(new TenantId("acme"), "t", "bad");

        await Assert.ThrowsAsync<ArgumentException>(() => store.TryBeginAsync(key, "NOT-A-HASH", Options.Lease, Ct));
        Assert.Equal(IdempotencyClaimKind.Started, (await store.TryBeginAsync(key, new string('a', 64), Options.Lease, Ct)).Kind);
    }
}
