using System.ComponentModel.DataAnnotations;

namespace Portal.Core.Pricing;

/// <summary>
/// How much photo work (decoding, embedding, quality) pricing runs at once (section <c>Pricing:Concurrency</c>): beyond
/// <see cref="PermitLimit"/> requests wait in a queue of <see cref="QueueLimit"/> for at most <see cref="QueueTimeout"/>;
/// the rest are told to come back after <see cref="RetryAfter"/> instead of slowing everyone down.
/// </summary>
public sealed class PricingConcurrencyOptions
{
    public const string SectionName = "Pricing:Concurrency";

    [Range(1, 256)]
    public int PermitLimit { get; set; } = 2;

    [Range(0, 10_000)]
    public int QueueLimit { get; set; } = 32;

    public TimeSpan QueueTimeout { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The problems of the two durations; empty when they are usable.</summary>
    public IEnumerable<string> Problems()
    {
        if (QueueTimeout <= TimeSpan.Zero || QueueTimeout > TimeSpan.FromMinutes(5))
        {
            yield return $"{SectionName}:{nameof(QueueTimeout)} must lie in (0, 5 minutes]; it is {QueueTimeout}.";
        }

        if (RetryAfter < TimeSpan.FromSeconds(1) || RetryAfter > TimeSpan.FromHours(1))
        {
            yield return $"{SectionName}:{nameof(RetryAfter)} must lie in [1 second, 1 hour] (Retry-After counts whole seconds); it is {RetryAfter}.";
        }
    }
}
