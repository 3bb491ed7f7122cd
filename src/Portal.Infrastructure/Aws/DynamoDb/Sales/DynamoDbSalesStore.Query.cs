using Amazon.DynamoDBv2.Model;
using Portal.Infrastructure.Formats;
using static Portal.Infrastructure.Aws.DynamoDb.Sales.SaleItem;
using static Portal.Infrastructure.Aws.DynamoDb.Sales.SalesIntelligenceTable;

namespace Portal.Infrastructure.Aws.DynamoDb.Sales;

/// <summary>
/// The explorer's filtered, sorted pages. Each query picks one key path — the product's partition (base table), the brand
/// (GSI-3), the category (GSI-1, one query per season) or the tenant by date (GSI-4) — and applies the other filters and
/// <c>ttl &gt; now</c> as a filter expression. Sorted by date on a date-ordered path, it reads only as far as the page needs;
/// any other sort gathers the matches (at most <see cref="DynamoDbSalesOptions.MaxQueryRows"/>) and sorts them in memory.
/// </summary>
public sealed partial class DynamoDbSalesStore
{
    public async Task<IReadOnlyList<SaleRecord>> QuerySalesAsync(SalesQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        RequireTenant(query.Tenant);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit, nameof(query.Limit));
        ArgumentOutOfRangeException.ThrowIfNegative(query.Offset, nameof(query.Offset));

        var plan = Plan(query, counting: false);
        if (plan is null)
        {
            return [];
        }

        var needed = (long)query.Offset + query.Limit;
        var rows = new List<SaleRecord>();
        if (plan.DateOrdered && query.SortBy == SalesSort.SoldAt && plan.Requests.Count == 1)
        {
            // The index is already in the page's order: stop once the page is full and no later row ties on the sold time.
            var request = plan.Requests[0];
            request.ScanIndexForward = !query.Descending;
            request.Limit = (int)Math.Clamp(needed + 1, 25, 1000);
            long? boundary = null;
            await foreach (var item in QueryAllAsync(request, cancellationToken))
            {
                var sale = ToSale(item);
                var soldMs = sale.SoldAt.ToUnixTimeMilliseconds();
                if (boundary is { } last && soldMs != last)
                {
                    break;
                }

                rows.Add(sale);
                if (rows.Count == needed)
                {
                    boundary = soldMs;
                }
            }
        }
        else
        {
            foreach (var request in plan.Requests)
            {
                await foreach (var item in QueryAllAsync(request, cancellationToken))
                {
                    rows.Add(ToSale(item));
                    if (rows.Count > _options.MaxQueryRows)
                    {
                        throw new InvalidOperationException(
                            $"The sales query matches more than {_options.MaxQueryRows} sales (Aws:DynamoDb:Sales:MaxQueryRows) for this sort; " +
                            "narrow it by category, brand or dates, or sort by date.");
                    }
                }
            }
        }

        rows.Sort(Comparer(query));
        return [.. rows.Skip(query.Offset).Take(query.Limit)];
    }

    public async Task<long> CountSalesAsync(SalesQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        RequireTenant(query.Tenant);
        var plan = Plan(query, counting: true);
        if (plan is null)
        {
            return 0;
        }

        long count = 0;
        foreach (var request in plan.Requests)
        {
            count += await CountAllAsync(request, cancellationToken);
        }

        return count;
    }

    /// <summary>The same order as the embedded store's SQL (ties on the sale id), so both adapters page identically.</summary>
    private static Comparison<SaleRecord> Comparer(SalesQuery query)
    {
        var direction = query.Descending ? -1 : 1;
        return query.SortBy switch
        {
            SalesSort.SoldAt => (a, b) => Then(direction * Sold(a).CompareTo(Sold(b)), a, b),
            SalesSort.Price => (a, b) => ThenNewest(direction * ((double)a.SoldPrice).CompareTo((double)b.SoldPrice), a, b),
            SalesSort.Brand => (a, b) =>
            {
                var nulls = (a.Brand is null).CompareTo(b.Brand is null);
                return nulls != 0 ? nulls : ThenNewest(direction * StringComparer.OrdinalIgnoreCase.Compare(a.Brand, b.Brand), a, b);
            },
            SalesSort.Category => (a, b) => ThenNewest(direction * string.CompareOrdinal(a.Category, b.Category), a, b),
            _ => throw new ArgumentOutOfRangeException(nameof(query), query.SortBy, "Unknown sort."),
        };

        static long Sold(SaleRecord s) => s.SoldAt.ToUnixTimeMilliseconds();
        static int ThenNewest(int first, SaleRecord a, SaleRecord b) => first != 0 ? first : Then(Sold(b).CompareTo(Sold(a)), a, b);
        static int Then(int first, SaleRecord a, SaleRecord b) => first != 0 ? first : string.CompareOrdinal(a.SaleId, b.SaleId);
    }

    private sealed record QueryPlan(List<QueryRequest> Requests, bool DateOrdered);

    /// <summary>Null when the filters cannot match anything (an id too long to be a key).</summary>
    private QueryPlan? Plan(SalesQuery query, bool counting)
    {
        foreach (var id in new[] { query.ProductId, query.Brand, query.Category })
        {
            if (id is not null && id.Length > MaxIdBytes)
            {
                return null;
            }
        }

        var tenant = query.Tenant;
        var fromMs = query.SoldFrom?.ToUnixTimeMilliseconds();
        var toMs = query.SoldTo?.ToUnixTimeMilliseconds();
        var hasDates = fromMs is not null || toMs is not null;
        var scope = new PlanScope(query, counting, fromMs, toMs);

        if (query.ProductId is not null)
        {
            return new QueryPlan([Request(scope, null, Pk, SalePartitionKey(tenant, query.ProductId), sortKeyPrefix: "SALE#", dateKeyName: null, byBrand: false, byCategory: false)], true);
        }

        if (query.Brand is not null)
        {
            return new QueryPlan([Request(scope, Gsi3, Gsi3Pk, SalesKeys.Gsi3Pk(tenant, query.Brand), null, Gsi3Sk, byBrand: true, byCategory: false)], true);
        }

        if (query.Category is not null && !hasDates && (counting || query.SortBy != SalesSort.SoldAt))
        {
            // GSI-1 is keyed by season too: one query per quarter reads exactly the category's sales.
            var requests = Enumerable.Range(1, 4)
                .Select(q => Request(scope, Gsi1, Gsi1Pk, SalesKeys.Gsi1Pk(tenant, query.Category, $"Q{q}"), null, null, byBrand: false, byCategory: true))
                .ToList();
            return new QueryPlan(requests, false);
        }

        return new QueryPlan([Request(scope, Gsi4, Gsi4Pk, Gsi4PartitionKey(tenant), null, Gsi4Sk, byBrand: false, byCategory: false)], true);
    }

    /// <summary>One query of a plan: key condition, filters and (unless counting) the projection without the embedding.</summary>
    private QueryRequest Request(PlanScope scope, string? index, string partitionName, string partitionValue, string? sortKeyPrefix, string? dateKeyName, bool byBrand, bool byCategory)
    {
        var names = new Dictionary<string, string> { ["#pk"] = partitionName, ["#ttl"] = Ttl };
        var values = new Dictionary<string, AttributeValue> { [":pk"] = Str(partitionValue), [":now"] = Num(NowSeconds()) };
        var keyCondition = KeyCondition(scope, names, values, sortKeyPrefix, dateKeyName);
        var request = new QueryRequest
        {
            TableName = TableName,
            IndexName = index,
            KeyConditionExpression = keyCondition,
            FilterExpression = FilterExpression(scope, names, values, byBrand, byCategory),
            ExpressionAttributeNames = names,
            ExpressionAttributeValues = values,
        };
        if (!scope.Counting)
        {
            // Everything but the embedding: the explorer never shows it, so it is not sent over the wire.
            var projected = new List<string>();
            foreach (var attribute in SaleAttributes)
            {
                var alias = "#p" + projected.Count;
                names[alias] = attribute;
                projected.Add(alias);
            }

            request.ProjectionExpression = string.Join(", ", projected);
        }

        return request;
    }

    /// <summary>The key condition: the partition, then a sort-key prefix or a date range that surely holds every match.</summary>
    private static string KeyCondition(PlanScope scope, Dictionary<string, string> names, Dictionary<string, AttributeValue> values, string? sortKeyPrefix, string? dateKeyName)
    {
        var keyCondition = "#pk = :pk";
        if (sortKeyPrefix is not null)
        {
            names["#sk"] = Sk;
            values[":skprefix"] = Str(sortKeyPrefix);
            keyCondition += " AND begins_with(#sk, :skprefix)";
        }
        else if (dateKeyName is not null && scope.HasDates)
        {
            // A key range that surely holds every match; the exact millisecond bounds are the filter below.
            names["#sk"] = dateKeyName;
            var low = scope.FromMs is { } f ? DateKey(DateTimeOffset.FromUnixTimeMilliseconds(Math.Max(f, MinMs))) : null;
            var high = scope.ToMs is { } t && t < MaxMs ? DateKey(DateTimeOffset.FromUnixTimeMilliseconds(t + 1)) : null;
            if (low is not null && high is not null)
            {
                values[":lo"] = Str(low);
                values[":hi"] = Str(high);
                keyCondition += " AND #sk BETWEEN :lo AND :hi";
            }
            else if (low is not null)
            {
                values[":lo"] = Str(low);
                keyCondition += " AND #sk >= :lo";
            }
            else if (high is not null)
            {
                values[":hi"] = Str(high);
                keyCondition += " AND #sk <= :hi";
            }
        }

        return keyCondition;
    }

    /// <summary>The filter expression: live items only, then every filter the key does not already apply.</summary>
    private static string FilterExpression(PlanScope scope, Dictionary<string, string> names, Dictionary<string, AttributeValue> values, bool byBrand, bool byCategory)
    {
        var filters = new List<string> { "#ttl > :now" };
        void Filter(string attribute, string op, AttributeValue value)
        {
            var n = filters.Count;
            names["#f" + n] = attribute;
            values[":f" + n] = value;
            filters.Add($"#f{n} {op} :f{n}");
        }

        if (scope.Query.Category is not null && !byCategory)
        {
            Filter(Category, "=", Str(scope.Query.Category));
        }

        if (scope.Query.Brand is not null && !byBrand)
        {
            Filter(Brand, "=", Str(scope.Query.Brand));
        }

        if (scope.Query.Condition is { } condition)
        {
            Filter(ConditionAttribute, "=", Str(condition.ToWireName()));
        }

        if (scope.Query.MinPrice is { } min)
        {
            Filter(SalePrice, ">=", Num(min.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        if (scope.Query.MaxPrice is { } max)
        {
            Filter(SalePrice, "<=", Num(max.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        if (scope.FromMs is { } from)
        {
            Filter(SoldAtMs, ">=", Num(from));
        }

        if (scope.ToMs is { } to)
        {
            Filter(SoldAtMs, "<=", Num(to));
        }

        return string.Join(" AND ", filters);
    }

    /// <summary>What every request of one plan shares: the query, whether it only counts, and its bounds in unix ms.</summary>
    private readonly record struct PlanScope(SalesQuery Query, bool Counting, long? FromMs, long? ToMs)
    {
        public bool HasDates => FromMs is not null || ToMs is not null;
    }

    private static readonly long MinMs = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly long MaxMs = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds() - 1;
}
