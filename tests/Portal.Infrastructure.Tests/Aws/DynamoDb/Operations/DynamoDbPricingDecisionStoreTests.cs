using Portal.Core.Pricing.Decisions;
using Portal.Infrastructure.Aws.DynamoDb.Operations;
using Portal.Infrastructure.Tests.Storage;

namespace Portal.Infrastructure.Tests.Aws.DynamoDb.Operations;

[Collection(OperationsDynaliteCollection.Name)]
public sealed class DynamoDbPricingDecisionStoreTests(OperationsDynaliteFixture dynalite) : PricingDecisionStoreContract
{
    protected override async Task<IPricingDecisionStore> CreateStoreAsync() => new DynamoDbPricingDecisionStore(await dynalite.NewTableAsync());
}
