using Portal.Core.Jobs;
using Portal.Infrastructure.Aws.DynamoDb.Operations;
using Portal.Infrastructure.Tests.Jobs;

namespace Portal.Infrastructure.Tests.Aws.DynamoDb.Operations;

[Collection(OperationsDynaliteCollection.Name)]
public sealed class DynamoDbJobRunStoreTests(OperationsDynaliteFixture dynalite) : JobRunStoreContract
{
    private OperationsTable _table = null!;

    protected override async Task CreateStorageAsync() => _table = await dynalite.NewTableAsync();

    protected override IJobRunStore OpenStore() => new DynamoDbJobRunStore(_table);
}
