using Portal.Core.Sync;

namespace Portal.Infrastructure.Http;

/// <summary>An HTTP request that failed on the way (refused, reset, a name not resolved) may succeed when tried again.</summary>
public sealed class HttpTransientFailures : ITransientFailures
{
    public bool IsTransient(Exception exception) => exception is HttpRequestException;
}
