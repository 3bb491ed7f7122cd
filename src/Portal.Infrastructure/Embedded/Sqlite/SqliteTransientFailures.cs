using Microsoft.Data.Sqlite;
using Portal.Core.Sync;

namespace Portal.Infrastructure.Embedded.Sqlite;

/// <summary>The SQLite errors a retry may get past: another writer holds the lock, a passing I/O or space problem.</summary>
public sealed class SqliteTransientFailures : ITransientFailures
{
    // SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_FULL, SQLITE_PROTOCOL (primary codes: the low byte of an extended code).
    private static readonly int[] RetryableCodes = [5, 6, 10, 13, 15];

    public bool IsTransient(Exception exception) =>
        exception is SqliteException sqlite && RetryableCodes.Contains(sqlite.SqliteErrorCode & 0xFF);
}
