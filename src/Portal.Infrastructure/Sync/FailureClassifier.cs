using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Portal.Core.Images;
using Portal.Core.Sync;

namespace Portal.Infrastructure.Sync;

/// <summary>Which failures may go away when tried again (busy database, I/O, timeouts, a dependency down) and which never will.</summary>
public static class FailureClassifier
{
    // SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_FULL, SQLITE_PROTOCOL.
    private static readonly int[] RetryableSqliteCodes = [5, 6, 10, 13, 15];

    public static bool IsRetryable(Exception exception) => exception switch
    {
        SaleImageUnavailableException image => image.IsRetryable,
        SqliteException sqlite => RetryableSqliteCodes.Contains(sqlite.SqliteErrorCode & 0xFF),
        IOException or TimeoutException or HttpRequestException or SocketException => true,
        OperationCanceledException => true,
        AggregateException aggregate => aggregate.InnerExceptions.All(IsRetryable),
        _ => exception.InnerException is { } inner && IsRetryable(inner),
    };
}
