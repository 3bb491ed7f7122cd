using System.Collections.Concurrent;
using Amazon.DynamoDBv2;
using Microsoft.Extensions.Logging.Abstractions;

namespace Portal.Infrastructure.Aws.DynamoDb.Sales;

/// <summary>
/// The production sales store on <c>sales-intelligence-{stage}</c>: the seed's keys and GSIs, conditional writes instead of
/// transactions, paginated queries, every read filtered <c>ttl &gt; now</c> (DynamoDB deletes expired items up to two days late).
/// </summary>
/// <remarks>
/// A sale id is unique per tenant although the seed's key holds the product and the date: a guard item
/// (<c>TENANT#{t}#SALEID#{id}</c> / <c>SALEID</c>) is put first with <c>attribute_not_exists</c> and names the sale's key; the
/// sale item (with its outbox mark, so sale + outbox row is ONE write) is then put with <c>attribute_not_exists</c> too. A guard
/// left by a crash before the sale put names the same key, so the retry of the same sale completes it; another sale with the
/// same id is refused. Exactly one of several concurrent writers of one sale wins the sale put and answers "new".
/// </remarks>
public sealed partial class DynamoDbSalesStore : ISalesStore, ISalesOutbox, ISalesChangeFeed
{
    private readonly IAmazonDynamoDB _client;
    private readonly DynamoDbSalesOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, byte> _registered = new(StringComparer.Ordinal);

    public DynamoDbSalesStore(IAmazonDynamoDB client, string tableName, DynamoDbSalesOptions options, TimeProvider timeProvider, ILogger<DynamoDbSalesStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(tableName);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (options.RetentionPeriod <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Aws:DynamoDb:Sales:RetentionPeriod must be positive.");
        }

        _client = client;
        TableName = tableName;
        _options = options;
        _timeProvider = timeProvider;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public string TableName { get; }

    public TimeSpan RetentionPeriod => _options.RetentionPeriod;

    private long TtlOf(SaleRecord sale) => sale.SoldAt.Add(_options.RetentionPeriod).ToUnixTimeSeconds();

    private long NowSeconds() => _timeProvider.GetUtcNow().ToUnixTimeSeconds();

    private static void RequireTenant(TenantId tenant)
    {
        if (tenant.Value is null)
        {
            throw new ArgumentException("The tenant is missing (default TenantId).", nameof(tenant));
        }
    }
}
