using System.Globalization;
using Amazon.DynamoDBv2.Model;
using Portal.Core.Pricing.Decisions;
using Portal.Infrastructure.Formats;
using static Portal.Infrastructure.Aws.DynamoDb.Operations.OperationsTable;

namespace Portal.Infrastructure.Aws.DynamoDb.Operations;

/// <summary>
/// Pricing decisions on DynamoDB: one item per decision keyed by tenant and id (so another tenant's id is simply not found),
/// listed newest first through GSI1 (<c>TENANT#{t}#DECISIONS</c>, sorted by decision time). A decision is written once:
/// a second save of the same id is refused by the condition and the first stays. Money is kept as the invariant decimal text
/// (a DynamoDB number would drop the scale: 119.00 would read back as 119).
/// </summary>
public sealed class DynamoDbPricingDecisionStore(OperationsTable table) : IPricingDecisionStore
{
    private const string ItemTypeName = "decision";

    private static readonly string[] SummaryAttributes =
        ["decision_id", "user_name", "decided_at", "product_id", "suggested_price", "final_price", "currency", "category"];

    public async Task SaveAsync(PricingDecision decision, CancellationToken cancellationToken)
    {
        PricingDecisionRules.Validate(decision);
        var item = Key(OperationsKeys.DecisionPk(decision.Tenant, decision.DecisionId), OperationsKeys.DecisionSk);
        item[OperationsKeys.ItemType] = Str(ItemTypeName);
        item[OperationsKeys.Gsi1Pk] = Str(OperationsKeys.DecisionsByTimePk(decision.Tenant));
        item[OperationsKeys.Gsi1Sk] = Str(OperationsKeys.DecisionsByTimeSk(decision.DecidedAt, decision.DecisionId));
        item["tenant_id"] = Str(decision.Tenant.Value);
        item["decision_id"] = Str(decision.DecisionId);
        item["user_name"] = Str(decision.UserName);
        item["decided_at"] = Str(Time(decision.DecidedAt));
        item["decided_at_ms"] = Num(decision.DecidedAt.ToUnixTimeMilliseconds());
        item["category"] = Str(decision.Category);
        item["condition"] = Str(decision.Condition);
        SetOptional(item, "brand", decision.Brand);
        SetOptional(item, "title", decision.Title);
        SetOptional(item, "product_id", decision.ProductId);
        item["image_keys"] = Strings(decision.ImageKeys);
        item["suggested_price"] = Str(Money(decision.SuggestedPrice));
        item["range_low"] = Str(Money(decision.RangeLow));
        item["range_high"] = Str(Money(decision.RangeHigh));
        item["confidence"] = Num(decision.Confidence);
        item["final_price"] = Str(Money(decision.FinalPrice));
        item["currency"] = Str(decision.Currency);
        SetOptional(item, "override_reason", decision.OverrideReason);
        item["excluded_sale_ids"] = Strings(decision.ExcludedSaleIds);
        SetOptional(item, "fallback", decision.Fallback);
        item["embedding_model"] = Str(decision.EmbeddingModel);
        SetOptional(item, "verdict", VerdictNames.ToName(decision.Verdict?.Level));
        SetOptional(item, "verdict_sentence", decision.Verdict?.Sentence);

        try
        {
            await table.Client.PutItemAsync(new PutItemRequest
            {
                TableName = table.Name,
                Item = item,
                ConditionExpression = "attribute_not_exists(pk)",
            }, cancellationToken);
        }
        catch (ConditionalCheckFailedException ex)
        {
            throw new InvalidOperationException($"Decision '{decision.DecisionId}' of tenant '{decision.Tenant.Value}' already exists; a decision is saved once.", ex);
        }
    }

    public async Task<PricingDecision?> GetAsync(TenantId tenant, string decisionId, CancellationToken cancellationToken)
    {
        PricingDecisionRules.RequireTenant(tenant);
        if (string.IsNullOrWhiteSpace(decisionId))
        {
            return null;
        }

        var item = await table.GetItemAsync(Key(OperationsKeys.DecisionPk(tenant, decisionId), OperationsKeys.DecisionSk), cancellationToken);
        return item is null ? null : Read(item);
    }

    public async Task<IReadOnlyList<PricingDecision>> QueryAsync(DecisionQuery query, CancellationToken cancellationToken)
    {
        var items = await ReadMatchingAsync(query, null, query.Offset, cancellationToken);
        return [.. items.Select(Read)];
    }

    public async Task<IReadOnlyList<DecisionSummary>> SummariseAsync(DecisionQuery query, CancellationToken cancellationToken)
    {
        // Only the summary's attributes travel; the filters' own attributes are read too, as the filter runs here.
        var items = await ReadMatchingAsync(query, SummaryAttributes, 0, cancellationToken);
        return [.. items.Select(item => new DecisionSummary(
            GetString(item, "decision_id"),
            GetString(item, "user_name"),
            GetTime(item, "decided_at"),
            GetOptionalString(item, "product_id"),
            ParseMoney(GetString(item, "suggested_price")),
            ParseMoney(GetString(item, "final_price")),
            GetString(item, "currency")))];
    }

    private async Task<List<Dictionary<string, AttributeValue>>> ReadMatchingAsync(
        DecisionQuery query, IReadOnlyList<string>? projection, int offset, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        PricingDecisionRules.RequireTenant(query.Tenant);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit, nameof(query.Limit));
        ArgumentOutOfRangeException.ThrowIfNegative(query.Offset, nameof(query.Offset));
        if (query.From > query.To)
        {
            // An empty range, as SQL answers it; DynamoDB would refuse a BETWEEN whose bounds are reversed.
            return [];
        }

        // The time range is part of the key condition; user and category are filtered while paging (a tenant's decisions are
        // made by people, so one partition holds them comfortably).
        var values = new Dictionary<string, AttributeValue> { [":pk"] = Str(OperationsKeys.DecisionsByTimePk(query.Tenant)) };
        var condition = "gsi1pk = :pk";
        if (query.From is { } from && query.To is { } to)
        {
            condition += " AND gsi1sk BETWEEN :from AND :to";
            values[":from"] = Str(OperationsKeys.Millis(from));
            values[":to"] = Str(OperationsKeys.Millis(to) + "#\uffff");
        }
        else if (query.From is { } onlyFrom)
        {
            condition += " AND gsi1sk >= :from";
            values[":from"] = Str(OperationsKeys.Millis(onlyFrom));
        }
        else if (query.To is { } onlyTo)
        {
            condition += " AND gsi1sk <= :to";
            values[":to"] = Str(OperationsKeys.Millis(onlyTo) + "#\uffff");
        }

        var request = new QueryRequest
        {
            IndexName = OperationsTableSpec.Gsi1,
            KeyConditionExpression = condition,
            ExpressionAttributeValues = values,
            ScanIndexForward = false,
        };
        if (projection is not null)
        {
            // Names go through placeholders: some attribute names may be DynamoDB reserved words.
            request.ExpressionAttributeNames = projection.Select((name, i) => (name, i)).ToDictionary(p => $"#a{p.i}", p => p.name);
            request.ProjectionExpression = string.Join(", ", request.ExpressionAttributeNames.Keys);
        }

        return await table.QueryAsync(request, cancellationToken,
            item => (string.IsNullOrWhiteSpace(query.UserName) || GetString(item, "user_name") == query.UserName)
                && (string.IsNullOrWhiteSpace(query.Category) || GetString(item, "category") == query.Category),
            offset, query.Limit);
    }

    private static PricingDecision Read(Dictionary<string, AttributeValue> item) => new()
    {
        DecisionId = GetString(item, "decision_id"),
        Tenant = new TenantId(GetString(item, "tenant_id")),
        UserName = GetString(item, "user_name"),
        DecidedAt = GetTime(item, "decided_at"),
        Category = GetString(item, "category"),
        Condition = GetString(item, "condition"),
        Brand = GetOptionalString(item, "brand"),
        Title = GetOptionalString(item, "title"),
        ProductId = GetOptionalString(item, "product_id"),
        ImageKeys = GetStrings(item, "image_keys"),
        SuggestedPrice = ParseMoney(GetString(item, "suggested_price")),
        RangeLow = ParseMoney(GetString(item, "range_low")),
        RangeHigh = ParseMoney(GetString(item, "range_high")),
        Confidence = GetDouble(item, "confidence"),
        FinalPrice = ParseMoney(GetString(item, "final_price")),
        Currency = GetString(item, "currency"),
        OverrideReason = GetOptionalString(item, "override_reason"),
        ExcludedSaleIds = GetStrings(item, "excluded_sale_ids"),
        Fallback = GetOptionalString(item, "fallback"),
        EmbeddingModel = GetString(item, "embedding_model"),
        Verdict = VerdictNames.Read(GetOptionalString(item, "verdict"), GetOptionalString(item, "verdict_sentence")),
    };

    private static string Money(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private static decimal ParseMoney(string text) => decimal.Parse(text, NumberStyles.Number, CultureInfo.InvariantCulture);
}
