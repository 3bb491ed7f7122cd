using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Portal.Core.Jobs;
using Portal.Infrastructure.Aws.Signing;

namespace Portal.Infrastructure.Aws.Sns;

public static class SnsServiceCollectionExtensions
{
    private const string Service = "sns";

    /// <summary>
    /// Alerts published to an SNS topic, when <c>Aws:Sns:TopicArn</c> is set: an additional <see cref="IAlertSink"/> beside the log
    /// and the webhook (<c>AlertPublisher</c> sends every alert to every sink). The typed client is held by singletons
    /// (<c>AlertPublisher</c>), so its handler chain lives as long as the process and DNS changes are picked up by the
    /// primary handler's connection lifetime instead of handler rotation.
    /// </summary>
    public static IServiceCollection AddSnsAlerts(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(SnsOptions.SectionName);
        services.AddOptions<SnsOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();
        var configured = section.Get<SnsOptions>() ?? new SnsOptions();
        if (!configured.IsConfigured)
        {
            return services;
        }

        var client = services.AddHttpClient<SnsAlertSink>(http => http.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        // Outermost: retries and timeouts. Inside it, every attempt is signed afresh (a retry carries a new x-amz-date).
        client.AddStandardResilienceHandler().Configure((resilience, sp) => ConfigureResilience(resilience, sp.GetRequiredService<IOptions<SnsOptions>>().Value));
        // An invalid ARN stops the host at start (options validation); the region is the topic's own.
        client.AddSigV4Signing(Service, sp => sp.GetRequiredService<IOptions<SnsOptions>>().Value.Topic?.Region ?? "invalid-arn");
        services.AddSingleton<IAlertSink>(sp => sp.GetRequiredService<SnsAlertSink>());
        return services;
    }

    private static void ConfigureResilience(HttpStandardResilienceOptions resilience, SnsOptions options)
    {
        resilience.AttemptTimeout.Timeout = options.Timeout;
        resilience.TotalRequestTimeout.Timeout = options.Timeout * 4;
        resilience.CircuitBreaker.SamplingDuration = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(30).Ticks, options.Timeout.Ticks * 2));
        resilience.Retry.MaxRetryAttempts = 3;
        resilience.Retry.Delay = TimeSpan.FromMilliseconds(200);
        resilience.Retry.BackoffType = DelayBackoffType.Exponential;
        resilience.Retry.UseJitter = true;
        resilience.Retry.ShouldHandle = args => ShouldRetryAsync(args.Outcome);
    }

    /// <summary>The standard transient answers (network errors, timeouts, 408, 429, 5xx) and SNS's throttling, which the Query protocol sends as a 400.</summary>
    internal static ValueTask<bool> ShouldRetryAsync(Outcome<HttpResponseMessage> outcome) =>
        AwsRetry.IsTransientOrThrottledAsync(outcome, async response =>
            SnsXml.ThrottlingCodes.Contains(SnsXml.Error(await response.Content.ReadAsStringAsync()).Code));
}
