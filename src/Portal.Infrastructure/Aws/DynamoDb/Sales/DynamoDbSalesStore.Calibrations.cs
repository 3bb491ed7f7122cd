using Amazon.DynamoDBv2.Model;
using Portal.Core.Pricing.Calibration;
using Portal.Infrastructure.Formats;
using static Portal.Infrastructure.Aws.DynamoDb.Sales.SaleItem;
using static Portal.Infrastructure.Aws.DynamoDb.Sales.SalesIntelligenceTable;

namespace Portal.Infrastructure.Aws.DynamoDb.Sales;

/// <summary>
/// Range calibrations on <c>sales-intelligence</c>: one item per tenant and currency under <c>CALIBRATION#RANGES</c>
/// (<c>TENANT#{t}#CURRENCY#{c}</c>), the fit as JSON and its time, so every portal reads what the job host fitted last.
/// </summary>
public sealed partial class DynamoDbSalesStore : IRangeCalibrationStore
{
    public async Task<bool> SaveCalibrationAsync(StoredRangeCalibration calibration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        RequireTenant(calibration.Tenant);
        ArgumentException.ThrowIfNullOrWhiteSpace(calibration.Currency);
        ArgumentNullException.ThrowIfNull(calibration.Calibration);
        var item = new Dictionary<string, AttributeValue>(Key(CalibrationsPk, CalibrationSortKey(calibration.Tenant, calibration.Currency)), StringComparer.Ordinal)
        {
            [Entity] = Str(CalibrationEntity),
            [TenantIdAttribute] = Str(calibration.Tenant.Value),
            [CalibrationCurrency] = Str(calibration.Currency),
            [CalibratedAtMs] = Num(calibration.CalibratedAt.ToUnixTimeMilliseconds()),
            [CalibrationJson] = Str(RangeCalibrationJson.Write(calibration.Calibration)),
        };
        try
        {
            // An older fit (a slow host finishing late) never replaces a newer one.
            await _client.PutItemAsync(new PutItemRequest
            {
                TableName = TableName,
                Item = item,
                ConditionExpression = "attribute_not_exists(#pk) OR #at <= :at",
                ExpressionAttributeNames = new Dictionary<string, string> { ["#pk"] = Pk, ["#at"] = CalibratedAtMs },
                ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":at"] = item[CalibratedAtMs] },
            }, cancellationToken);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    public async Task<IReadOnlyList<StoredRangeCalibration>> GetCalibrationsAsync(CancellationToken cancellationToken)
    {
        var request = new QueryRequest
        {
            TableName = TableName,
            KeyConditionExpression = "#pk = :pk",
            ExpressionAttributeNames = new Dictionary<string, string> { ["#pk"] = Pk },
            ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":pk"] = Str(CalibrationsPk) },
            ConsistentRead = true,
        };
        var calibrations = new List<StoredRangeCalibration>();
        await foreach (var item in QueryAllAsync(request, cancellationToken))
        {
            calibrations.Add(new StoredRangeCalibration(
                new TenantId(item[TenantIdAttribute].S),
                item[CalibrationCurrency].S,
                RangeCalibrationJson.Read(item[CalibrationJson].S),
                DateTimeOffset.FromUnixTimeMilliseconds(LongOf(item, CalibratedAtMs))));
        }

        return calibrations;
    }
}
