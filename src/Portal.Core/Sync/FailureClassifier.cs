using System.Data.Common;
using System.Net.Sockets;
using Portal.Core.Images;

namespace Portal.Core.Sync;

/// <summary>An adapter's knowledge of its own provider's passing failures (a busy database, a dropped connection).</summary>
public interface ITransientFailures
{
    /// <summary>Whether <paramref name="exception"/> — not its inner exceptions — may go away when tried again.</summary>
    bool IsTransient(Exception exception);
}

/// <summary>
/// Which failures may go away when tried again (busy database, I/O, timeouts, a dependency down) and which never will. The
/// generic cases are known here; a provider's own codes come from its adapter's <see cref="ITransientFailures"/>.
/// </summary>
public sealed class FailureClassifier(IEnumerable<ITransientFailures> providers)
{
    private readonly ITransientFailures[] _providers = [.. providers];

    public bool IsRetryable(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (Array.Exists(_providers, p => p.IsTransient(exception)))
        {
            return true;
        }

        return exception switch
        {
            SaleImageUnavailableException image => image.IsRetryable,
            // A database error the provider did not call transient is permanent: its inner exceptions say nothing more.
            DbException database => database.IsTransient,
            IOException or TimeoutException or SocketException => true,
            OperationCanceledException => true,
            AggregateException aggregate => aggregate.InnerExceptions.All(IsRetryable),
            _ => exception.InnerException is { } inner && IsRetryable(inner),
        };
    }
}
