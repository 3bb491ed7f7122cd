using Portal.Core.Jobs;
using Portal.Infrastructure.Aws.DynamoDb.Operations;
using Portal.Infrastructure.Tests.Jobs;

namespace Portal.Infrastructure.Tests.Aws.DynamoDb.Operations;

[Collection(OperationsDynaliteCollection.Name)]
public sealed class DynamoDbJobWatermarkStoreTests(OperationsDynaliteFixture dynalite) : JobWatermarkStoreContract
{
    private OperationsTable _table = null!;

    protected override async Task CreateStorageAsync() => _table = await dynalite.NewTableAsync();

    protected override IJobWatermarkStore OpenStore(TimeProvider time) => new DynamoDbJobWatermarkStore(_table, time);
}
