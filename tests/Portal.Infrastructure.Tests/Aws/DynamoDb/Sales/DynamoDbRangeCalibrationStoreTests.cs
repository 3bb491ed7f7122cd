using Portal.Core.Pricing.Calibration;
using Portal.Infrastructure.Aws.DynamoDb.Sales;
using Portal.Infrastructure.Tests.Calibration;

namespace Portal.Infrastructure.Tests.Aws.DynamoDb.Sales;

/// <summary>The calibration contract against dynalite: items under <c>CALIBRATION#RANGES</c>, a conditional put for "newer wins".</summary>
[Collection(DynaliteCollection.Name)]
public sealed class DynamoDbRangeCalibrationStoreTests(DynaliteFixture dynalite) : RangeCalibrationStoreContract
{
    private string? _table;

    protected override async Task InitializeStorageAsync() => _table = await dynalite.CreateSalesTableAsync();

    protected override Task DisposeStorageAsync() => dynalite.DeleteTableAsync(_table);

    protected override IRangeCalibrationStore Open() => new DynamoDbSalesStore(dynalite.Client, _table!, new DynamoDbSalesOptions(), Time);
}
