using Portal.Infrastructure.Aws.DynamoDb.Operations;
using Portal.Infrastructure.Tests.Validation;
using Portal.Core.Validation;

namespace Portal.Infrastructure.Tests.Aws.DynamoDb.Operations;

[Collection(OperationsDynaliteCollection.Name)]
public sealed class DynamoDbValidationReportStoreTests(OperationsDynaliteFixture dynalite) : ValidationReportStoreContract
{
    protected override async Task<IValidationReportStore> CreateStoreAsync() => new DynamoDbValidationReportStore(await dynalite.NewTableAsync());
}
