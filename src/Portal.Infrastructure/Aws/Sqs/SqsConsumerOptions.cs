using System.ComponentModel.DataAnnotations;

namespace Portal.Infrastructure.Aws.Sqs;

/// <summary>Section <c>Sync:Sqs</c>: the queue an EventBridge rule feeds; the consumer runs only when <see cref="QueueUrl"/> is set.</summary>
public sealed class SqsConsumerOptions : IValidatableObject
{
    public const string SectionName = "Sync:Sqs";

    /// <summary>The queue's URL (<c>https://sqs.eu-west-1.amazonaws.com/123456789012/portal-product-events</c>); empty = no consumer.</summary>
    public string? QueueUrl { get; set; }

    /// <summary>Endpoint override (a loopback fake in tests, a VPC endpoint in production); empty = the region's endpoint.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>AWS region (<c>eu-west-1</c>); empty = from the default chain (AWS_REGION, profile).</summary>
    [RegularExpression("^[a-z]{2}(-[a-z]+)+-[0-9]$", ErrorMessage = "Sync:Sqs:Region must look like eu-west-1.")]
    public string? Region { get; set; }

    /// <summary>Long-polling wait per receive (SQS allows 0–20 s).</summary>
    public TimeSpan WaitTime { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long a received message stays hidden; extended every third of it while the message is still being worked on.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Messages per receive (SQS allows 1–10).</summary>
    [Range(1, 10)]
    public int MaxMessages { get; set; } = 10;

    /// <summary>Messages worked on at once.</summary>
    [Range(1, 64)]
    public int Concurrency { get; set; } = 4;

    /// <summary>Pause after a failed receive (network, throttling, credentials) before polling again.</summary>
    public TimeSpan ReceiveErrorDelay { get; set; } = TimeSpan.FromSeconds(5);

    public bool IsEnabled => !string.IsNullOrWhiteSpace(QueueUrl);

    /// <summary>A copy with <see cref="Region"/> set (the provider's region when this section names none).</summary>
    public SqsConsumerOptions WithRegion(string region)
    {
        var copy = (SqsConsumerOptions)MemberwiseClone();
        copy.Region = region;
        return copy;
    }

    /// <summary>Whole seconds the SQS API takes for the visibility timeout.</summary>
    public int VisibilityTimeoutSeconds => (int)Math.Ceiling(VisibilityTimeout.TotalSeconds);

    /// <summary>How often the visibility of a message in progress is extended.</summary>
    public TimeSpan VisibilityExtensionInterval => VisibilityTimeout / 3;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!IsEnabled)
        {
            yield break;
        }

        if (!Uri.TryCreate(QueueUrl, UriKind.Absolute, out var queue) || (queue.Scheme != Uri.UriSchemeHttps && queue.Scheme != Uri.UriSchemeHttp))
        {
            yield return new ValidationResult("Sync:Sqs:QueueUrl must be an absolute http(s) URL.", [nameof(QueueUrl)]);
        }

        if (!string.IsNullOrWhiteSpace(ServiceUrl) && !Uri.TryCreate(ServiceUrl, UriKind.Absolute, out _))
        {
            yield return new ValidationResult("Sync:Sqs:ServiceUrl must be an absolute URL.", [nameof(ServiceUrl)]);
        }

        if (WaitTime < TimeSpan.Zero || WaitTime > TimeSpan.FromSeconds(20) || WaitTime.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            yield return new ValidationResult("Sync:Sqs:WaitTime must be whole seconds between 00:00:00 and 00:00:20.", [nameof(WaitTime)]);
        }

        if (VisibilityTimeout < TimeSpan.FromSeconds(3) || VisibilityTimeout > TimeSpan.FromHours(12))
        {
            yield return new ValidationResult("Sync:Sqs:VisibilityTimeout must be between 00:00:03 and 12:00:00.", [nameof(VisibilityTimeout)]);
        }

        if (ReceiveErrorDelay <= TimeSpan.Zero)
        {
            yield return new ValidationResult("Sync:Sqs:ReceiveErrorDelay must be positive.", [nameof(ReceiveErrorDelay)]);
        }
    }
}
