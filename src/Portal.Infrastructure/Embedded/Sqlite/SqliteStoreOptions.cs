
namespace Portal.Infrastructure.Embedded.Sqlite;

/// <summary>Settings of the embedded (SQLite) sales store.</summary>
public sealed record SqliteStoreOptions
{
    /// <summary>Path of the SQLite database file; its folder is created when missing.</summary>
    public required string DatabasePath { get; init; }

    /// <summary>How long a sale stays live after it was sold (the seed's DynamoDB TTL: two years).</summary>
    public TimeSpan RetentionPeriod { get; init; } = SaleRetention.Default;

    /// <summary>How long a statement waits for another writer before failing with SQLITE_BUSY.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
