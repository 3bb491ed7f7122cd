
namespace Portal.Infrastructure.Aws.Bedrock;

/// <summary>Source-generated log messages of the Bedrock adapters (never image bytes or vectors).</summary>
internal static partial class BedrockLog
{
    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "Bedrock InvokeModel {ModelId} failed with {StatusCode} {ErrorType}")]
    public static partial void InvokeFailed(ILogger logger, string modelId, int statusCode, string errorType);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Warning, Message = "Nova Lite quality assessment fell back to the local assessor: {Reason}")]
    public static partial void QualityFallback(ILogger logger, string reason, Exception? exception);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Debug, Message = "Image re-encoded for Bedrock: {OriginalBytes} bytes -> {Bytes} bytes at {Width}x{Height}")]
    public static partial void ImagePrepared(ILogger logger, int originalBytes, int bytes, int width, int height);
}
