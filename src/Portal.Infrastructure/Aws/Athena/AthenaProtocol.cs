using System.Text.Json.Serialization;

namespace Portal.Infrastructure.Aws.Athena;

// The JSON 1.1 shapes of the four Athena operations the client uses, with AWS's PascalCase member names.

public sealed record StartQueryExecutionRequest
{
    public required string QueryString { get; init; }

    /// <summary>32–128 characters; a retry with the same token returns the same query instead of starting another.</summary>
    public required string ClientRequestToken { get; init; }

    public QueryExecutionContext? QueryExecutionContext { get; init; }

    public ResultConfiguration? ResultConfiguration { get; init; }

    public string? WorkGroup { get; init; }

    /// <summary>Positional values for the query's <c>?</c>, each an Athena literal (<see cref="AthenaLiteral"/>).</summary>
    public IReadOnlyList<string>? ExecutionParameters { get; init; }
}

public sealed record QueryExecutionContext(string? Database, string? Catalog);

public sealed record ResultConfiguration(string? OutputLocation);

public sealed record StartQueryExecutionResponse(string QueryExecutionId);

public sealed record QueryExecutionIdRequest(string QueryExecutionId);

public sealed record GetQueryExecutionResponse(QueryExecution QueryExecution);

public sealed record QueryExecution(string QueryExecutionId, string? Query, QueryExecutionStatus Status);

public sealed record QueryExecutionStatus(string State, string? StateChangeReason, AthenaError? AthenaError);

public sealed record AthenaError(int? ErrorCategory, int? ErrorType, bool? Retryable, string? ErrorMessage);

public sealed record GetQueryResultsRequest(string QueryExecutionId, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? NextToken, int? MaxResults);

public sealed record GetQueryResultsResponse(ResultSet ResultSet, string? NextToken);

public sealed record ResultSet(IReadOnlyList<ResultRow>? Rows, ResultSetMetadata? ResultSetMetadata);

public sealed record ResultRow(IReadOnlyList<Datum> Data);

/// <summary>One value; a SQL NULL has no <see cref="VarCharValue"/>.</summary>
public sealed record Datum(string? VarCharValue);

public sealed record ResultSetMetadata(IReadOnlyList<ColumnInfo> ColumnInfo);

public sealed record ColumnInfo(string Name, string Type, string? Label = null);

/// <summary>The query states Athena reports.</summary>
public static class QueryState
{
    public const string Queued = "QUEUED";
    public const string Running = "RUNNING";
    public const string Succeeded = "SUCCEEDED";
    public const string Failed = "FAILED";
    public const string Cancelled = "CANCELLED";

    public static bool IsFinal(string state) => state is Succeeded or Failed or Cancelled;
}
