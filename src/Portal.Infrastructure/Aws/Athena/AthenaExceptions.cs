namespace Portal.Infrastructure.Aws.Athena;

/// <summary>Athena refused a call: <see cref="ErrorType"/> is the AWS error's <c>__type</c> (e.g. <c>InvalidRequestException</c>).</summary>
public sealed class AthenaServiceException(string operation, int statusCode, string errorType, string message)
    : Exception($"Athena {operation} failed ({statusCode} {errorType}): {message}")
{
    public string Operation { get; } = operation;

    public int StatusCode { get; } = statusCode;

    public string ErrorType { get; } = errorType;

    public string ServiceMessage { get; } = message;
}

/// <summary>A query ended FAILED or CANCELLED; <see cref="Reason"/> is Athena's <c>StateChangeReason</c>.</summary>
public sealed class AthenaQueryFailedException(string queryExecutionId, string state, string? reason)
    : Exception($"Athena query {queryExecutionId} ended {state}: {reason ?? "no reason given"}")
{
    public string QueryExecutionId { get; } = queryExecutionId;

    public string State { get; } = state;

    public string? Reason { get; } = reason;
}

/// <summary>A query ran past <c>Aws:Athena:QueryTimeout</c>; it was asked to stop.</summary>
public sealed class AthenaQueryTimeoutException(string queryExecutionId, TimeSpan timeout)
    : TimeoutException($"Athena query {queryExecutionId} did not finish within {timeout} (Aws:Athena:QueryTimeout); it was stopped.")
{
    public string QueryExecutionId { get; } = queryExecutionId;
}
