using Amazon.DynamoDBv2.Model;
using Portal.Core.Pricing.Batches;
using Portal.Core.Sales;
using static Portal.Infrastructure.Aws.DynamoDb.Operations.OperationsTable;

namespace Portal.Infrastructure.Aws.DynamoDb.Operations;

/// <summary>
/// Pricing batches on DynamoDB: the header and one item per row in one partition keyed by tenant and batch (so another
/// tenant's id is simply not found); GSI1 lists a tenant's batches newest first, the sparse GSI2 every unfinished batch.
/// The rows are written before the header, so a batch that can be read has all its rows. The lease, a row's outcome
/// and a row's decision are conditional updates. Money is the invariant decimal text.
/// </summary>
public sealed class DynamoDbPricingBatchStore(OperationsTable table) : IPricingBatchStore
{
    private const string BatchItemType = "batch";
    private const string RowItemType = "batch_row";

    public async Task CreateAsync(PricingBatch batch, IReadOnlyList<BatchRow> rows, CancellationToken cancellationToken)
    {
        BatchStoreRules.Validate(batch, rows);
        var pk = OperationsKeys.BatchPk(batch.Tenant, batch.BatchId);
        await table.BatchWriteAsync(rows.Select(r => new WriteRequest(new PutRequest(RowItem(pk, r)))), cancellationToken);

        var item = Key(pk, OperationsKeys.BatchSk);
        item[OperationsKeys.ItemType] = Str(BatchItemType);
        item[OperationsKeys.Gsi1Pk] = Str(OperationsKeys.BatchesByTimePk(batch.Tenant));
        item[OperationsKeys.Gsi1Sk] = Str(OperationsKeys.BatchesByTimeSk(batch.CreatedAt, batch.BatchId));
        item[OperationsKeys.Gsi2Pk] = Str(OperationsKeys.UnfinishedBatchesPk);
        item[OperationsKeys.Gsi2Sk] = Str(OperationsKeys.UnfinishedBatchesSk(batch.CreatedAt, batch.Tenant, batch.BatchId));
        item["tenant_id"] = Str(batch.Tenant.Value);
        item["batch_id"] = Str(batch.BatchId);
        item["created_by"] = Str(batch.CreatedBy);
        item["created_at_ms"] = Num(batch.CreatedAt.ToUnixTimeMilliseconds());
        item["batch_name"] = Str(batch.Name);
        item["batch_status"] = Str(BatchStoreRules.StatusText(batch.Status));
        item["total_rows"] = Num(rows.Count);
        await table.Client.PutItemAsync(new PutItemRequest { TableName = table.Name, Item = item, ConditionExpression = "attribute_not_exists(pk)" }, cancellationToken);
    }

    public async Task<PricingBatch?> GetAsync(TenantId tenant, string batchId, CancellationToken cancellationToken)
    {
        BatchStoreRules.RequireTenant(tenant);
        if (string.IsNullOrWhiteSpace(batchId))
        {
            return null;
        }

        var response = await table.Client.GetItemAsync(new GetItemRequest
        {
            TableName = table.Name,
            Key = Key(OperationsKeys.BatchPk(tenant, batchId), OperationsKeys.BatchSk),
            ConsistentRead = true,
        }, cancellationToken);
        return response.Item is { Count: > 0 } item ? ReadBatch(item) : null;
    }

    public async Task<IReadOnlyList<PricingBatch>> ListAsync(TenantId tenant, int limit, CancellationToken cancellationToken)
    {
        BatchStoreRules.RequireTenant(tenant);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var items = await table.QueryAsync(new QueryRequest
        {
            IndexName = OperationsTableSpec.Gsi1,
            KeyConditionExpression = "gsi1pk = :pk",
            ExpressionAttributeValues = new() { [":pk"] = Str(OperationsKeys.BatchesByTimePk(tenant)) },
            ScanIndexForward = false,
        }, cancellationToken, take: limit);
        return [.. items.Select(ReadBatch)];
    }

    public async Task<IReadOnlyList<PricingBatch>> ListUnfinishedAsync(CancellationToken cancellationToken)
    {
        var items = await table.QueryAsync(new QueryRequest
        {
            IndexName = OperationsTableSpec.Gsi2,
            KeyConditionExpression = "gsi2pk = :pk",
            ExpressionAttributeValues = new() { [":pk"] = Str(OperationsKeys.UnfinishedBatchesPk) },
        }, cancellationToken);
        return [.. items.Select(ReadBatch)];
    }

    public async Task<IReadOnlyList<BatchRow>> GetRowsAsync(TenantId tenant, string batchId, CancellationToken cancellationToken)
    {
        BatchStoreRules.RequireTenant(tenant);
        if (string.IsNullOrWhiteSpace(batchId))
        {
            return [];
        }

        var items = await table.QueryAsync(new QueryRequest
        {
            KeyConditionExpression = "pk = :pk AND begins_with(sk, :rows)",
            ExpressionAttributeValues = new()
            {
                [":pk"] = Str(OperationsKeys.BatchPk(tenant, batchId)),
                [":rows"] = Str(OperationsKeys.BatchRowPrefix),
            },
            ConsistentRead = true,
        }, cancellationToken);
        return [.. items.Select(ReadRow)];
    }

    public Task<bool> TryLeaseAsync(TenantId tenant, string batchId, string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken)
    {
        BatchStoreRules.RequireTenant(tenant);
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        return UpdateAsync(OperationsKeys.BatchPk(tenant, batchId), OperationsKeys.BatchSk,
            "SET batch_status = :running, lease_owner = :owner, lease_until_ms = :until",
            "attribute_exists(pk) AND batch_status <> :completed AND (attribute_not_exists(lease_owner) OR lease_owner = :owner OR lease_until_ms < :now)",
            new()
            {
                [":running"] = Str(BatchStoreRules.StatusText(BatchStatus.Running)),
                [":completed"] = Str(BatchStoreRules.StatusText(BatchStatus.Completed)),
                [":owner"] = Str(owner),
                [":until"] = Num(until.ToUnixTimeMilliseconds()),
                [":now"] = Num(now.ToUnixTimeMilliseconds()),
            }, cancellationToken);
    }

    public async Task ReleaseAsync(TenantId tenant, string batchId, string owner, CancellationToken cancellationToken)
    {
        BatchStoreRules.RequireTenant(tenant);
        await UpdateAsync(OperationsKeys.BatchPk(tenant, batchId), OperationsKeys.BatchSk,
            "SET batch_status = :queued REMOVE lease_owner, lease_until_ms",
            "lease_owner = :owner AND batch_status <> :completed",
            new()
            {
                [":queued"] = Str(BatchStoreRules.StatusText(BatchStatus.Queued)),
                [":completed"] = Str(BatchStoreRules.StatusText(BatchStatus.Completed)),
                [":owner"] = Str(owner),
            }, cancellationToken);
    }

    public Task<bool> SaveOutcomeAsync(TenantId tenant, string batchId, BatchRowOutcome outcome, CancellationToken cancellationToken)
    {
        BatchStoreRules.Validate(outcome);
        BatchStoreRules.RequireTenant(tenant);
        var values = new Dictionary<string, AttributeValue>
        {
            [":status"] = Str(BatchStoreRules.RowStatusText(outcome.Status)),
            [":pending"] = Str(BatchStoreRules.RowStatusText(BatchRowStatus.Pending)),
        };
        var set = new List<string> { "row_status = :status" };
        void Set(string name, AttributeValue? value)
        {
            if (value is not null)
            {
                set.Add($"{name} = :{name}");
                values[":" + name] = value;
            }
        }

        Set("error_text", outcome.Error is null ? null : Str(outcome.Error));
        if (outcome.Price is { } price)
        {
            foreach (var (name, value) in PriceAttributes(price))
            {
                Set(name, value);
            }
        }

        return UpdateAsync(OperationsKeys.BatchPk(tenant, batchId), OperationsKeys.BatchRowSk(outcome.Line),
            "SET " + string.Join(", ", set), "row_status = :pending", values, cancellationToken);
    }

    public async Task CompleteAsync(TenantId tenant, string batchId, DateTimeOffset completedAt, CancellationToken cancellationToken)
    {
        BatchStoreRules.RequireTenant(tenant);
        await UpdateAsync(OperationsKeys.BatchPk(tenant, batchId), OperationsKeys.BatchSk,
            "SET batch_status = :completed, completed_at_ms = :at REMOVE lease_owner, lease_until_ms, gsi2pk, gsi2sk",
            "attribute_exists(pk) AND batch_status <> :completed",
            new()
            {
                [":completed"] = Str(BatchStoreRules.StatusText(BatchStatus.Completed)),
                [":at"] = Num(completedAt.ToUnixTimeMilliseconds()),
            }, cancellationToken);
    }

    public Task<bool> SetDecisionAsync(TenantId tenant, string batchId, int line, string decisionId, CancellationToken cancellationToken)
    {
        BatchStoreRules.RequireTenant(tenant);
        ArgumentException.ThrowIfNullOrWhiteSpace(decisionId);
        return UpdateAsync(OperationsKeys.BatchPk(tenant, batchId), OperationsKeys.BatchRowSk(line),
            "SET decision_id = :decision", "attribute_exists(pk) AND attribute_not_exists(decision_id)",
            new() { [":decision"] = Str(decisionId) }, cancellationToken);
    }

    /// <summary>One conditional update; false when the condition did not hold.</summary>
    private async Task<bool> UpdateAsync(string pk, string sk, string update, string condition, Dictionary<string, AttributeValue> values, CancellationToken cancellationToken)
    {
        try
        {
            await table.Client.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = table.Name,
                Key = Key(pk, sk),
                UpdateExpression = update,
                ConditionExpression = condition,
                ExpressionAttributeValues = values,
            }, cancellationToken);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    private static Dictionary<string, AttributeValue> RowItem(string pk, BatchRow row)
    {
        var item = Key(pk, OperationsKeys.BatchRowSk(row.Line));
        item[OperationsKeys.ItemType] = Str(RowItemType);
        item["line"] = Num(row.Line);
        item["image_name"] = Str(row.ImageName);
        SetOptional(item, "image_key", row.ImageKey);
        item["category"] = Str(row.Category);
        item["item_condition"] = Str(row.Condition);
        SetOptional(item, "brand", row.Brand);
        SetOptional(item, "title", row.Title);
        item["row_status"] = Str(BatchStoreRules.RowStatusText(row.Status));
        SetOptional(item, "error_text", row.Error);
        SetOptional(item, "decision_id", row.DecisionId);
        if (row.Price is { } price)
        {
            foreach (var (name, value) in PriceAttributes(price))
            {
                if (value is not null)
                {
                    item[name] = value;
                }
            }
        }

        return item;
    }

    private static IEnumerable<(string Name, AttributeValue? Value)> PriceAttributes(BatchRowPrice price)
    {
        yield return ("price", Str(BatchStoreRules.Money(price.Price)));
        yield return ("range_low", Str(BatchStoreRules.Money(price.RangeLow)));
        yield return ("range_high", Str(BatchStoreRules.Money(price.RangeHigh)));
        yield return ("currency", Str(price.Currency));
        yield return ("confidence", Num(price.Confidence));
        yield return ("fallback", price.Fallback is null ? null : Str(price.Fallback));
        yield return ("comparables", Num(price.Comparables));
        yield return ("embedding_model", Str(price.EmbeddingModel));
        yield return ("priced_at_ms", Num(price.PricedAt.ToUnixTimeMilliseconds()));
    }

    private static PricingBatch ReadBatch(Dictionary<string, AttributeValue> item) => new()
    {
        Tenant = new TenantId(GetString(item, "tenant_id")),
        BatchId = GetString(item, "batch_id"),
        CreatedBy = GetString(item, "created_by"),
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(GetLong(item, "created_at_ms")),
        Name = GetString(item, "batch_name"),
        Status = BatchStoreRules.ParseStatus(GetString(item, "batch_status")),
        TotalRows = (int)GetLong(item, "total_rows"),
        CompletedAt = GetOptionalLong(item, "completed_at_ms") is { } completed ? DateTimeOffset.FromUnixTimeMilliseconds(completed) : null,
        LeaseOwner = GetOptionalString(item, "lease_owner"),
        LeaseUntil = GetOptionalLong(item, "lease_until_ms") is { } until ? DateTimeOffset.FromUnixTimeMilliseconds(until) : null,
    };

    private static BatchRow ReadRow(Dictionary<string, AttributeValue> item) => new()
    {
        Line = (int)GetLong(item, "line"),
        ImageName = GetString(item, "image_name"),
        ImageKey = GetOptionalString(item, "image_key"),
        Category = GetString(item, "category"),
        Condition = GetString(item, "item_condition"),
        Brand = GetOptionalString(item, "brand"),
        Title = GetOptionalString(item, "title"),
        Status = BatchStoreRules.ParseRowStatus(GetString(item, "row_status")),
        Error = GetOptionalString(item, "error_text"),
        DecisionId = GetOptionalString(item, "decision_id"),
        Price = GetOptionalString(item, "price") is { } price
            ? new BatchRowPrice(
                BatchStoreRules.ParseMoney(price),
                BatchStoreRules.ParseMoney(GetString(item, "range_low")),
                BatchStoreRules.ParseMoney(GetString(item, "range_high")),
                GetString(item, "currency"),
                GetDouble(item, "confidence"),
                GetOptionalString(item, "fallback"),
                (int)GetLong(item, "comparables"),
                GetString(item, "embedding_model"),
                DateTimeOffset.FromUnixTimeMilliseconds(GetLong(item, "priced_at_ms")))
            : null,
    };
}
