using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Portal.Core.Validation;
using Portal.Infrastructure.Aws.Signing;

namespace Portal.Infrastructure.Aws.Athena;

public static class AthenaServiceCollectionExtensions
{
    /// <summary>Athena error types worth another attempt: they say "slow down", not "this request is wrong".</summary>
    private static readonly HashSet<string> ThrottlingErrors = new(StringComparer.Ordinal) { "ThrottlingException", "TooManyRequestsException", "ThrottledException" };

    /// <summary>The analytics query catalogue and the validation lake reader over Athena.</summary>
    public static IServiceCollection AddAthenaAdapters(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<AthenaOptions>().Bind(configuration.GetSection(AthenaOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddAthenaClient();
        services.AddSingleton<ISalesAnalytics, AthenaSalesAnalytics>();
        services.AddSingleton<IValidationLakeReader>(sp => new AthenaValidationLakeReader(
            sp.GetRequiredService<AthenaClient>(), sp.GetRequiredService<IOptions<AthenaOptions>>(),
            cancellationToken => sp.GetRequiredService<ISalesStore>().GetTenantsAsync(cancellationToken)));
        return services;
    }

    /// <summary>
    /// <see cref="AthenaClient"/> and its named HTTP client: endpoint from <c>Aws:Athena:ServiceUrl</c> or the region, the
    /// resilience handler outside (retries throttling, 5xx and timed-out attempts with backoff), SigV4 inside (each attempt signed).
    /// Retrying <c>StartQueryExecution</c> is safe: the client request token makes Athena return the query already started.
    /// </summary>
    public static IServiceCollection AddAthenaClient(this IServiceCollection services)
    {
        var http = services.AddHttpClient(AthenaClient.HttpClientName, (sp, http) =>
            {
                var athena = sp.GetRequiredService<IOptions<AthenaOptions>>().Value;
                var region = sp.GetRequiredService<IOptions<AwsOptions>>().Value.Region;
                http.BaseAddress = new Uri(string.IsNullOrWhiteSpace(athena.ServiceUrl) ? $"https://athena.{region}.amazonaws.com/" : athena.ServiceUrl);
                // The resilience handler owns the time limits.
                http.Timeout = Timeout.InfiniteTimeSpan;
            });
        http.AddResilienceHandler("athena", static (pipeline, context) =>
            {
                var athena = context.ServiceProvider.GetRequiredService<IOptions<AthenaOptions>>().Value;
                var timeProvider = context.ServiceProvider.GetRequiredService<TimeProvider>();
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = Math.Max(athena.MaxRetries, 1),
                    ShouldHandle = args => athena.MaxRetries == 0 ? ValueTask.FromResult(false) : IsTransientAsync(args.Outcome),
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = athena.RetryBaseDelay,
                });
                pipeline.AddTimeout(athena.RequestTimeout);
                pipeline.TimeProvider = timeProvider;
            });
        http.AddSigV4Signing("athena");
        services.AddSingleton<AthenaClient>();
        return services;
    }

    private static ValueTask<bool> IsTransientAsync(Outcome<HttpResponseMessage> outcome) =>
        AwsRetry.IsTransientOrThrottledAsync(outcome, async response =>
        {
            // Athena answers throttling with 400 and the error type in the body; reading it buffers the content for the caller.
            var payload = await response.Content.ReadAsByteArrayAsync();
            return AthenaClient.ShortErrorType(AthenaClient.ParseError(response, payload).Type) is { } type && ThrottlingErrors.Contains(type);
        });
}
