using Portal.Core.Pricing.Batches;
using Portal.Infrastructure.Aws.DynamoDb.Operations;
using Portal.Infrastructure.Tests.Storage;

namespace Portal.Infrastructure.Tests.Aws.DynamoDb.Operations;

[Collection(OperationsDynaliteCollection.Name)]
public sealed class DynamoDbPricingBatchStoreTests(OperationsDynaliteFixture dynalite) : PricingBatchStoreContract
{
    protected override async Task<IPricingBatchStore> CreateStoreAsync() => new DynamoDbPricingBatchStore(await dynalite.NewTableAsync());
}
