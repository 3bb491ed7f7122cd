namespace Portal.Infrastructure.Aws.Bedrock;

/// <summary>
/// Bedrock Runtime refused or failed a call: <see cref="ErrorType"/> is the service's error code (<c>ValidationException</c>,
/// <c>ThrottlingException</c>, <c>AccessDeniedException</c>, <c>InvalidSignatureException</c>, <c>ModelTimeoutException</c>, …)
/// from the <c>x-amzn-ErrorType</c> header, <see cref="ServiceMessage"/> the body's <c>message</c>.
/// </summary>
public sealed class BedrockRuntimeException : Exception
{
    public BedrockRuntimeException(string modelId, int statusCode, string errorType, string serviceMessage, string? requestId)
        : base($"Bedrock InvokeModel {modelId} failed with {statusCode} {errorType}: {serviceMessage}{(requestId is null ? string.Empty : $" (request {requestId})")}")
    {
        ModelId = modelId;
        StatusCode = statusCode;
        ErrorType = errorType;
        ServiceMessage = serviceMessage;
        RequestId = requestId;
    }

    public string ModelId { get; }

    public int StatusCode { get; }

    public string ErrorType { get; }

    public string ServiceMessage { get; }

    public string? RequestId { get; }

    /// <summary>Throttling or a server-side failure: a later call may succeed.</summary>
    public bool IsTransient => StatusCode is 408 or 429 or >= 500;
}
