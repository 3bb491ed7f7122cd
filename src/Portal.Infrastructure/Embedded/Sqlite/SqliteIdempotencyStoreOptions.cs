using Portal.Core.Sync;

namespace Portal.Infrastructure.Embedded.Sqlite;

/// <summary>Settings of the embedded (SQLite) idempotency store.</summary>
public sealed record SqliteIdempotencyStoreOptions
{
    /// <summary>Path of the SQLite database file (the sales store's file is fine: the table is its own); its folder is created when missing.</summary>
    public required string DatabasePath { get; init; }

    /// <summary>How long a statement waits for another writer before failing with SQLITE_BUSY.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Record expiry and default lease.</summary>
    public IdempotencyOptions Idempotency { get; init; } = new();
}
