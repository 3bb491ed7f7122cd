using Amazon.DynamoDBv2.Model;
using Portal.Core.Images;
using Portal.Core.Sync;
using Portal.Infrastructure.Aws.DynamoDb.Sync;
using Portal.Infrastructure.Tests.Sync;

namespace Portal.Infrastructure.Tests.Aws.DynamoDb.Sync;

/// <summary>The image-embedding contract against dynalite, one sync table per test.</summary>
[Collection(DynaliteSyncCollection.Name)]
public sealed class DynamoDbImageEmbeddingStoreTests(DynaliteSyncFixture dynalite) : ImageEmbeddingStoreContract
{
    private DynamoDbSyncTable? _table;

    public override async Task InitializeAsync() => _table = await dynalite.NewTableAsync();

    protected override Task<IImageEmbeddingStore> CreateStoreAsync(TimeProvider timeProvider) =>
        Task.FromResult<IImageEmbeddingStore>(new DynamoDbImageEmbeddingStore(dynalite.Client, _table!, timeProvider));

    [Fact]
    public async Task TheVectorIsABinaryFloat32LittleEndianAttributeWithItsModelAndDimension()
    {
        await (await NewStoreAsync()).PutAsync(Model, ShaA, new float[] { 1f, -2f }, Ct);

        var item = (await dynalite.Client.GetItemAsync(new GetItemRequest
        {
            TableName = _table!.TableName,
            Key = new() { ["pk"] = new AttributeValue { S = $"EMB#{Model}#{ShaA}" }, ["sk"] = new AttributeValue { S = "EMB" } },
        }, Ct)).Item;

        Assert.Equal([0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0], item["vector"].B.ToArray());
        Assert.Equal("2", item["dimension"].N);
        Assert.Equal(Model, item["model_id"].S);
    }

    [Fact]
    public async Task AKeyThatIsNotOursIsRefused()
    {
        var store = await NewStoreAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => store.PutAsync(Model, "../../etc/passwd", new float[] { 1 }, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.PutAsync("model#with#hash", ShaA, new float[] { 1 }, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.TryGetAsync(Model, ShaA.ToUpperInvariant(), Ct));
    }
}
