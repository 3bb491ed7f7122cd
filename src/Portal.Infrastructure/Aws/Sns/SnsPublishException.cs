using System.Net;

namespace Portal.Infrastructure.Aws.Sns;

/// <summary>SNS refused a Publish: its HTTP status and the error code and message of its XML error response.</summary>
public sealed class SnsPublishException : Exception
{
    public SnsPublishException(string topicArn, HttpStatusCode statusCode, string errorCode, string errorMessage)
        : base($"SNS refused Publish to {topicArn}: {(int)statusCode} {errorCode}: {errorMessage}")
    {
        TopicArn = topicArn;
        StatusCode = statusCode;
        ErrorCode = errorCode;
        ErrorMessage = errorMessage;
    }

    public string TopicArn { get; }

    public HttpStatusCode StatusCode { get; }

    public string ErrorCode { get; }

    public string ErrorMessage { get; }
}
