using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Portal.Core.Jobs;

namespace Portal.Infrastructure.Aws.Sns;

/// <summary>
/// Publishes each alert to the SNS topic of <c>Aws:Sns:TopicArn</c> over HTTPS (Query protocol: form-encoded
/// <c>Action=Publish</c>, XML answer). The typed <see cref="HttpClient"/> signs every attempt with SigV4 (service <c>sns</c>, the
/// topic's region) and retries throttling and 5xx answers (see <see cref="SnsServiceCollectionExtensions"/>). A refusal is logged
/// with SNS's error code and thrown, so <c>AlertPublisher</c> counts it as undelivered and carries on with the other sinks.
/// </summary>
public sealed partial class SnsAlertSink(HttpClient client, IOptions<SnsOptions> options, ILogger<SnsAlertSink> logger) : IAlertSink
{
    /// <summary>SNS: the subject is at most 100 ASCII characters, without line breaks or control characters.</summary>
    public const int MaxSubjectLength = 100;

    /// <summary>SNS: a message is at most 256 KB of UTF-8.</summary>
    public const int MaxMessageBytes = 256 * 1024;

    private const string TruncationMark = "\n… (truncated)";

    private readonly SnsTopic _topic = options.Value.Topic ?? throw new InvalidOperationException("Aws:Sns:TopicArn is not a valid SNS topic ARN.");

    public async Task<string> PublishAsync(Alert alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var fields = new List<KeyValuePair<string, string>>
        {
            new("Action", "Publish"),
            new("Version", "2010-03-31"),
            new("TopicArn", _topic.Arn),
            new("Subject", Subject(alert)),
            new("Message", Message(alert)),
        };
        // Attributes let subscriptions filter (e.g. only Critical to the pager).
        var attributes = new List<(string Name, string Value)> { ("severity", alert.Severity.ToString()), ("source", alert.Source) };
        if (alert.Tenant is { } tenant)
        {
            attributes.Add(("tenant", tenant.Value));
        }

        for (var i = 0; i < attributes.Count; i++)
        {
            var prefix = string.Create(CultureInfo.InvariantCulture, $"MessageAttributes.entry.{i + 1}.");
            fields.Add(new(prefix + "Name", attributes[i].Name));
            fields.Add(new(prefix + "Value.DataType", "String"));
            fields.Add(new(prefix + "Value.StringValue", attributes[i].Value));
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, options.Value.Endpoint(_topic)) { Content = new FormUrlEncodedContent(fields) };
        using var response = await client.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var (code, message) = SnsXml.Error(body);
            LogPublishRefused(logger, _topic.Arn, (int)response.StatusCode, code, message, alert.Title);
            throw new SnsPublishException(_topic.Arn, response.StatusCode, code, message);
        }

        var messageId = SnsXml.MessageId(body)
            ?? throw new SnsPublishException(_topic.Arn, response.StatusCode, "MalformedResponse", "The Publish answer has no MessageId.");
        LogPublished(logger, alert.Title, _topic.Arn, messageId);
        return messageId;
    }

    public Task SendAsync(Alert alert, CancellationToken cancellationToken) => PublishAsync(alert, cancellationToken);

    /// <summary><c>[Severity] Title</c> made ASCII-printable, one line, at most <see cref="MaxSubjectLength"/> characters.</summary>
    public static string Subject(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var builder = new StringBuilder(MaxSubjectLength);
        foreach (var c in $"[{alert.Severity}] {alert.Title}")
        {
            var printable = c is >= ' ' and <= '~' ? c : (char.IsWhiteSpace(c) ? ' ' : '?');
            if (printable == ' ' && (builder.Length == 0 || builder[^1] == ' '))
            {
                continue;
            }

            builder.Append(printable);
        }

        var subject = builder.ToString().TrimEnd();
        return subject.Length <= MaxSubjectLength ? subject : subject[..(MaxSubjectLength - 3)] + "...";
    }

    /// <summary>The alert as plain text, cut (on a character boundary, with a mark) to <see cref="MaxMessageBytes"/> of UTF-8.</summary>
    public static string Message(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var text = string.Create(CultureInfo.InvariantCulture,
            $"{alert.Title}\n\n{alert.Message}\n\nSeverity: {alert.Severity}\nSource: {alert.Source}\nTenant: {alert.Tenant?.Value ?? "(all)"}\nRaised at: {alert.RaisedAt.UtcDateTime:O}")
            + (alert.DetailUrl is { } url ? "\nDetails: " + url : "");
        if (Encoding.UTF8.GetByteCount(text) <= MaxMessageBytes)
        {
            return text;
        }

        var budget = MaxMessageBytes - Encoding.UTF8.GetByteCount(TruncationMark);
        var length = 0;
        var bytes = 0;
        while (length < text.Length)
        {
            var step = char.IsHighSurrogate(text[length]) && length + 1 < text.Length ? 2 : 1;
            var size = Encoding.UTF8.GetByteCount(text.AsSpan(length, step));
            if (bytes + size > budget)
            {
                break;
            }

            bytes += size;
            length += step;
        }

        return text[..length] + TruncationMark;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "SNS refused to publish alert '{Title}' to {TopicArn}: {StatusCode} {ErrorCode}: {ErrorMessage}")]
    private static partial void LogPublishRefused(ILogger logger, string topicArn, int statusCode, string errorCode, string errorMessage, string title);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Alert '{Title}' published to {TopicArn} as {MessageId}")]
    private static partial void LogPublished(ILogger logger, string title, string topicArn, string messageId);
}
