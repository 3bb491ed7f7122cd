using Microsoft.Extensions.Time.Testing;
using Portal.Core.Images;
using Portal.Core.Sync;

namespace Portal.Infrastructure.Tests.Sync;

/// <summary>The behaviour every <see cref="IImageEmbeddingStore"/> must have (SQLite and DynamoDB). Reads go through a new
/// instance where they must reach the storage, not the instance's memory cache.</summary>
public abstract class ImageEmbeddingStoreContract : IAsyncLifetime
{
    protected const string Model = "resnet18-onnx-v1";
    protected static readonly string ShaA = new('a', 64);
    protected static readonly string ShaB = new('b', 64);
    private readonly List<IImageEmbeddingStore> _stores = [];

    protected static CancellationToken Ct => CancellationToken.None;

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));

    protected abstract Task<IImageEmbeddingStore> CreateStoreAsync(TimeProvider timeProvider);

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            (store as IDisposable)?.Dispose();
        }

        return Task.CompletedTask;
    }

    protected async Task<IImageEmbeddingStore> NewStoreAsync()
    {
        var store = await CreateStoreAsync(Time);
        _stores.Add(store);
        return store;
    }

    [Fact]
    public async Task AStoredVectorReadsBackBitForBit()
    {
        float[] vector = [0.5f, -1.25f, float.Epsilon, 3.4028235e38f, -0f, 1e-20f];
        await (await NewStoreAsync()).PutAsync(Model, ShaA, vector, Ct);

        var read = await (await NewStoreAsync()).TryGetAsync(Model, ShaA, Ct);

        Assert.NotNull(read);
        Assert.Equal(vector.Select(BitConverter.SingleToInt32Bits), read.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public async Task AnUnknownImageIsNull()
    {
        var store = await NewStoreAsync();
        await store.PutAsync(Model, ShaA, new float[] { 1, 2 }, Ct);

        Assert.Null(await store.TryGetAsync(Model, ShaB, Ct));
    }

    [Fact]
    public async Task ASecondPutOfTheSameKeyKeepsTheFirst()
    {
        var first = await NewStoreAsync();
        await first.PutAsync(Model, ShaA, new float[] { 1, 2, 3 }, Ct);
        await (await NewStoreAsync()).PutAsync(Model, ShaA, new float[] { 9, 9, 9 }, Ct);

        var read = await (await NewStoreAsync()).TryGetAsync(Model, ShaA, Ct);
        Assert.Equal(new float[] { 1, 2, 3 }, read);
    }

    [Fact]
    public async Task VectorsOfDifferentModelsAreKeptApart()
    {
        var store = await NewStoreAsync();
        await store.PutAsync(Model, ShaA, new float[] { 1, 2 }, Ct);
        await store.PutAsync("amazon.titan-embed-image-v1", ShaA, new float[] { 3, 4, 5 }, Ct);

        var reader = await NewStoreAsync();
        var resnet = await reader.TryGetAsync(Model, ShaA, Ct);
        var titan = await reader.TryGetAsync("amazon.titan-embed-image-v1", ShaA, Ct);
        Assert.Equal(new float[] { 1, 2 }, resnet);
        Assert.Equal(new float[] { 3, 4, 5 }, titan);
        Assert.Null(await reader.TryGetAsync("another-model", ShaA, Ct));
    }

    [Fact]
    public async Task AnEmptyVectorIsRefusedAndNothingIsStored()
    {
        var store = await NewStoreAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => store.PutAsync(Model, ShaA, ReadOnlyMemory<float>.Empty, Ct));
        Assert.Null(await (await NewStoreAsync()).TryGetAsync(Model, ShaA, Ct));
    }
}
