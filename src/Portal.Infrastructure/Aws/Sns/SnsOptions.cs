using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace Portal.Infrastructure.Aws.Sns;

/// <summary>Section <c>Aws:Sns</c>. The SNS alert sink is registered only when <see cref="TopicArn"/> is set.</summary>
public sealed partial class SnsOptions : IValidatableObject
{
    public const string SectionName = "Aws:Sns";

    /// <summary><c>arn:aws:sns:{region}:{account}:{topic}</c>; the topic's region is the region the sink calls and signs for.</summary>
    public string? TopicArn { get; set; }

    /// <summary>Endpoint override (a VPC endpoint, a loopback fake in tests); empty = <c>https://sns.{region}.amazonaws.com/</c>.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>How long one Publish attempt may take; retries of throttling and 5xx answers come on top, within four times this.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(TopicArn);

    /// <summary>The topic's parts; null when <see cref="TopicArn"/> is not a valid SNS topic ARN.</summary>
    public SnsTopic? Topic => TopicArn is { } arn && ArnPattern().Match(arn) is { Success: true } match
        ? new SnsTopic(arn, match.Groups["partition"].Value, match.Groups["region"].Value, match.Groups["account"].Value, match.Groups["name"].Value)
        : null;

    /// <summary>Where Publish is sent: the override, else the regional endpoint of the topic's partition.</summary>
    public Uri Endpoint(SnsTopic topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        if (!string.IsNullOrWhiteSpace(ServiceUrl))
        {
            return new Uri(ServiceUrl.EndsWith('/') ? ServiceUrl : ServiceUrl + "/");
        }

        var domain = topic.Partition == "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
        return new Uri($"https://sns.{topic.Region}.{domain}/");
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (IsConfigured && Topic is null)
        {
            yield return new ValidationResult(
                "Aws:Sns:TopicArn must be an SNS topic ARN such as arn:aws:sns:eu-west-1:123456789012:portal-alerts.", [nameof(TopicArn)]);
        }

        if (!string.IsNullOrWhiteSpace(ServiceUrl)
            && (!Uri.TryCreate(ServiceUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            yield return new ValidationResult("Aws:Sns:ServiceUrl must be an absolute http or https URL.", [nameof(ServiceUrl)]);
        }

        if (Timeout <= TimeSpan.Zero || Timeout > TimeSpan.FromMinutes(2))
        {
            yield return new ValidationResult("Aws:Sns:Timeout must be between 0 and 2 minutes.", [nameof(Timeout)]);
        }
    }

    // Topic names: 1-256 letters, digits, '-' and '_' (a FIFO topic ends in .fifo).
    [GeneratedRegex(@"^arn:(?<partition>aws|aws-cn|aws-us-gov):sns:(?<region>[a-z]{2}(-[a-z]+)+-[0-9]):(?<account>[0-9]{12}):(?<name>[A-Za-z0-9_-]{1,256}(\.fifo)?)$")]
    private static partial Regex ArnPattern();
}

/// <summary>An SNS topic ARN split into the parts the sink needs.</summary>
public sealed record SnsTopic(string Arn, string Partition, string Region, string AccountId, string Name);
