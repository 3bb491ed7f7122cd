using System.ComponentModel.DataAnnotations;

namespace Portal.Infrastructure.Aws.DynamoDb.Sales;

/// <summary>Section <c>Aws:DynamoDb:Sales</c>: the sales-intelligence table and how the store reads and writes it.</summary>
public sealed class DynamoDbSalesOptions
{
    public const string SectionName = "Aws:DynamoDb:Sales";

    /// <summary>Table name override; empty = <c>sales-intelligence-{Aws:Stage}</c>.</summary>
    [RegularExpression("^[a-zA-Z0-9_.-]{3,255}$", ErrorMessage = "Aws:DynamoDb:Sales:TableName must be 3-255 letters, digits, '_', '-' or '.'.")]
    public string? TableName { get; set; }

    /// <summary>How long a sale stays readable after it sold (the item's <c>ttl</c>); the embedded store keeps two years too.</summary>
    public TimeSpan RetentionPeriod { get; set; } = SaleRetention.Default;

    /// <summary>Partitions of the sparse outbox index: spreads a burst of new sales over several index partitions.</summary>
    [Range(1, 64, ErrorMessage = "Aws:DynamoDb:Sales:OutboxShards must be 1-64.")]
    public int OutboxShards { get; set; } = 4;

    /// <summary>Partitions of the sparse change-feed index (GSI-FEED): every write lands in one, every follower reads them all.</summary>
    [Range(1, 64, ErrorMessage = "Aws:DynamoDb:Sales:FeedShards must be 1-64.")]
    public int FeedShards { get; set; } = 4;

    /// <summary>Conditional writes (and claims) in flight at once for one batch.</summary>
    [Range(1, 64, ErrorMessage = "Aws:DynamoDb:Sales:WriteConcurrency must be 1-64.")]
    public int WriteConcurrency { get; set; } = 8;

    /// <summary>Parallel Scan segments of the validation reader.</summary>
    [Range(1, 64, ErrorMessage = "Aws:DynamoDb:Sales:ScanSegments must be 1-64.")]
    public int ScanSegments { get; set; } = 4;

    /// <summary>
    /// Most sales a query sorted by something other than the index order may gather before sorting in memory; a query that
    /// matches more is refused with a message asking for a narrower filter.
    /// </summary>
    [Range(100, 1_000_000, ErrorMessage = "Aws:DynamoDb:Sales:MaxQueryRows must be 100-1000000.")]
    public int MaxQueryRows { get; set; } = 50_000;

    public string ResolveTableName(string stage) =>
        string.IsNullOrWhiteSpace(TableName) ? SalesIntelligenceTable.NameFor(stage) : TableName;
}
