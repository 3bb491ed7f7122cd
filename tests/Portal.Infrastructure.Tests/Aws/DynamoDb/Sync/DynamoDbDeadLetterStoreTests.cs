using Portal.Infrastructure.Aws.DynamoDb.Sync;
using Portal.Infrastructure.Tests.Sync;
using Portal.Core.Sync;

namespace Portal.Infrastructure.Tests.Aws.DynamoDb.Sync;

/// <summary>The dead-letter contract against dynalite, one sync table per test.</summary>
[Collection(DynaliteSyncCollection.Name)]
public sealed class DynamoDbDeadLetterStoreTests(DynaliteSyncFixture dynalite) : DeadLetterStoreContract
{
    private static readonly DynamoDbSyncOptions Options = new() { ResolvedDeadLetterRetention = TimeSpan.FromDays(90) };
    private DynamoDbSyncTable? _table;

    protected override int MaxPayloadChars => DynamoDbDeadLetterStore.MaxPayloadChars;

    public override async Task InitializeAsync()
    {
        _table = await dynalite.NewTableAsync(Options);
        await base.InitializeAsync();
    }

    protected override Task<IDeadLetterStore> CreateStoreAsync(TimeProvider timeProvider) =>
        Task.FromResult<IDeadLetterStore>(new DynamoDbDeadLetterStore(dynalite.Client, _table!, timeProvider));

    [Fact]
    public async Task AResolvedLetterExpiresAfterItsRetentionAndAPendingOneNever()
    {
        var scope = new DeadLetterQuery { Tenant = Acme, Status = null };
        var resolved = await Store.AddAsync(Letter(Acme, "r"), Ct);
        var pending = await Store.AddAsync(Letter(Acme, "p"), Ct);
        Assert.True(await Store.DiscardAsync(resolved, scope, "ops", "noise", Ct));

        Time.Advance(Options.ResolvedDeadLetterRetention + TimeSpan.FromSeconds(1));

        Assert.Equal([pending], (await Store.ListAsync(scope, Ct)).Select(l => l.Id));
        Assert.Equal(1, await Store.CountAsync(scope, Ct));
        Assert.Null(await Store.GetAsync(resolved, scope, Ct));
        Assert.NotNull(await Store.GetAsync(pending, scope, Ct));
    }

    [Fact]
    public async Task ALargeCompressiblePayloadIsKeptWholeAndAnIncompressibleOneTruncatedNotRefused()
    {
        var json = "[" + string.Join(",", Enumerable.Range(0, 30_000).Select(i => $"{{\"n\":{i},\"s\":\"item-{i}\"}}")) + "]";
        var random = new Random(7);
        var noise = new string(Enumerable.Range(0, 600_000).Select(_ => (char)random.Next(0x21, 0x7E)).ToArray());
        var scope = new DeadLetterQuery { Tenant = Acme };

        var whole = await Store.GetAsync(await Store.AddAsync(Letter(Acme, "json", json), Ct), scope, Ct);
        var cut = await Store.GetAsync(await Store.AddAsync(Letter(Acme, "noise", noise), Ct), scope, Ct);

        Assert.True(json.Length > 500_000);
        Assert.Equal(json, whole!.Payload);
        Assert.True(cut!.Payload.Length is > 100_000 and < 600_000, $"kept {cut.Payload.Length} characters");
        Assert.StartsWith(cut.Payload, noise, StringComparison.Ordinal);
    }
}
