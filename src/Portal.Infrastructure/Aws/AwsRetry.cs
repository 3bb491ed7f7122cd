using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Portal.Infrastructure.Aws;

public static class AwsRetry
{
    /// <summary>
    /// The standard transient answers (network errors, timeouts, 408, 429, 5xx), and a 400 whose body <paramref name="isThrottling"/>
    /// reads as throttling: the Query and JSON protocols of SNS and Athena send "slow down" as a 400 with the error in the body.
    /// </summary>
    public static async ValueTask<bool> IsTransientOrThrottledAsync(Outcome<HttpResponseMessage> outcome, Func<HttpResponseMessage, Task<bool>> isThrottling)
    {
        ArgumentNullException.ThrowIfNull(isThrottling);
        if (HttpClientResiliencePredicates.IsTransient(outcome))
        {
            return true;
        }

        return outcome.Result is { StatusCode: HttpStatusCode.BadRequest } response && await isThrottling(response);
    }
}
