using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Portal.Infrastructure.Aws.Athena;

/// <summary>
/// A typed client for the four Athena operations the portal needs, over JSON 1.1 (<c>X-Amz-Target: AmazonAthena.*</c>).
/// The named <see cref="HttpClientName"/> client carries the resilience handler (throttling, 5xx and attempt timeouts are
/// retried) and, inside it, the SigV4 signer for service <c>athena</c>, so every attempt is signed afresh.
/// <see cref="ExecuteAsync"/> is the whole round trip: start (with a client request token, so a retried start is the same
/// query), poll with backoff, read every page, and stop the query when the caller cancels or the query times out.
/// </summary>
public sealed partial class AthenaClient(IHttpClientFactory httpClientFactory, IOptions<AthenaOptions> options, TimeProvider time, ILogger<AthenaClient>? logger = null)
{
    public const string HttpClientName = "athena";
    public const string ContentType = "application/x-amz-json-1.1";
    private const string TargetPrefix = "AmazonAthena.";

    private static readonly JsonSerializerOptions Json = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        PropertyNameCaseInsensitive = true,
    };

    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;

    /// <summary>
    /// Runs <paramref name="sql"/> with <paramref name="parameters"/> bound to its <c>?</c> in order and returns every row.
    /// Throws <see cref="AthenaQueryFailedException"/> (FAILED or CANCELLED, with Athena's reason),
    /// <see cref="AthenaQueryTimeoutException"/> after <c>Aws:Athena:QueryTimeout</c>, <see cref="AthenaServiceException"/> for
    /// a refused call, and <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires; in the last
    /// two cases the query is stopped first.
    /// </summary>
    public async Task<AthenaResultSet> ExecuteAsync(string sql, IReadOnlyList<object?> parameters, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sql);
        ArgumentNullException.ThrowIfNull(parameters);
        var settings = options.Value;
        var request = new StartQueryExecutionRequest
        {
            QueryString = sql,
            ClientRequestToken = Guid.NewGuid().ToString("N"),
            QueryExecutionContext = new QueryExecutionContext(settings.Database, settings.Catalog),
            ResultConfiguration = string.IsNullOrWhiteSpace(settings.OutputLocation) ? null : new ResultConfiguration(settings.OutputLocation),
            WorkGroup = settings.WorkGroup,
            ExecutionParameters = parameters.Count == 0 ? null : parameters.Select(AthenaLiteral.Format).ToList(),
        };

        using var timeout = new CancellationTokenSource(settings.QueryTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        string? queryId = null;
        var started = time.GetTimestamp();
        try
        {
            queryId = (await StartQueryExecutionAsync(request, linked.Token)).QueryExecutionId;
            LogStarted(_logger, queryId, settings.WorkGroup);
            await WaitForCompletionAsync(queryId, linked.Token);
            var result = await ReadResultsAsync(queryId, linked.Token);
            LogSucceeded(_logger, queryId, result.Rows.Count, time.GetElapsedTime(started).TotalMilliseconds);
            return result;
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            if (queryId is not null)
            {
                await StopQuietlyAsync(queryId);
            }

            if (!cancellationToken.IsCancellationRequested && timeout.IsCancellationRequested)
            {
                throw new AthenaQueryTimeoutException(queryId ?? "(not started)", settings.QueryTimeout);
            }

            throw;
        }
    }

    public Task<StartQueryExecutionResponse> StartQueryExecutionAsync(StartQueryExecutionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ClientRequestToken is not { Length: >= 32 and <= 128 })
        {
            throw new ArgumentException("ClientRequestToken must be 32-128 characters.", nameof(request));
        }

        return SendAsync<StartQueryExecutionRequest, StartQueryExecutionResponse>("StartQueryExecution", request, cancellationToken);
    }

    public Task<GetQueryExecutionResponse> GetQueryExecutionAsync(string queryExecutionId, CancellationToken cancellationToken) =>
        SendAsync<QueryExecutionIdRequest, GetQueryExecutionResponse>("GetQueryExecution", new QueryExecutionIdRequest(queryExecutionId), cancellationToken);

    public Task<GetQueryResultsResponse> GetQueryResultsAsync(string queryExecutionId, string? nextToken, int maxResults, CancellationToken cancellationToken) =>
        SendAsync<GetQueryResultsRequest, GetQueryResultsResponse>("GetQueryResults", new GetQueryResultsRequest(queryExecutionId, nextToken, maxResults), cancellationToken);

    public Task StopQueryExecutionAsync(string queryExecutionId, CancellationToken cancellationToken) =>
        SendAsync<QueryExecutionIdRequest, JsonElement>("StopQueryExecution", new QueryExecutionIdRequest(queryExecutionId), cancellationToken);

    private async Task WaitForCompletionAsync(string queryId, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var delay = settings.PollInterval;
        while (true)
        {
            await Task.Delay(delay, time, cancellationToken);
            var status = (await GetQueryExecutionAsync(queryId, cancellationToken)).QueryExecution.Status;
            switch (status.State)
            {
                case QueryState.Succeeded:
                    return;
                case QueryState.Failed or QueryState.Cancelled:
                    throw new AthenaQueryFailedException(queryId, status.State, status.StateChangeReason ?? status.AthenaError?.ErrorMessage);
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, settings.MaxPollInterval.Ticks));
        }
    }

    private async Task<AthenaResultSet> ReadResultsAsync(string queryId, CancellationToken cancellationToken)
    {
        IReadOnlyList<ColumnInfo>? columns = null;
        var rows = new List<AthenaRow>();
        string? nextToken = null;
        var firstPage = true;
        do
        {
            var page = await GetQueryResultsAsync(queryId, nextToken, options.Value.PageSize, cancellationToken);
            columns ??= page.ResultSet.ResultSetMetadata?.ColumnInfo ?? [];
            // The first row of the first page repeats the column names.
            foreach (var row in (page.ResultSet.Rows ?? []).Skip(firstPage ? 1 : 0))
            {
                if (row.Data.Count != columns.Count)
                {
                    throw new InvalidDataException($"Athena query {queryId} returned a row of {row.Data.Count} values for {columns.Count} columns.");
                }

                rows.Add(new AthenaRow(columns, row.Data.Select(d => d.VarCharValue).ToList()));
            }

            firstPage = false;
            nextToken = page.NextToken;
        }
        while (!string.IsNullOrEmpty(nextToken));

        return new AthenaResultSet(queryId, columns, rows);
    }

    /// <summary>Asks Athena to stop a query the caller no longer waits for; its own failure must not hide why we stopped.</summary>
    private async Task StopQuietlyAsync(string queryId)
    {
        try
        {
            using var limit = new CancellationTokenSource(options.Value.RequestTimeout, time);
            await StopQueryExecutionAsync(queryId, limit.Token);
            LogStopped(_logger, queryId);
        }
        catch (Exception exception) when (exception is AthenaServiceException or HttpRequestException or OperationCanceledException)
        {
            LogStopFailed(_logger, queryId, exception);
        }
    }

    private async Task<TResponse> SendAsync<TRequest, TResponse>(string operation, TRequest body, CancellationToken cancellationToken)
    {
        var http = httpClientFactory.CreateClient(HttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/")
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, Json)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(ContentType);
        request.Headers.TryAddWithoutValidation("X-Amz-Target", TargetPrefix + operation);
        using var response = await http.SendAsync(request, cancellationToken);
        var payload = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var (type, message) = ParseError(response, payload);
            throw new AthenaServiceException(operation, (int)response.StatusCode, type, message);
        }

        return JsonSerializer.Deserialize<TResponse>(payload, Json)
            ?? throw new InvalidDataException($"Athena {operation} answered with an empty body.");
    }

    /// <summary>AWS JSON errors: <c>{"__type": "[namespace#]Name", "message"|"Message": "…"}</c>, or the <c>x-amzn-ErrorType</c> header.</summary>
    internal static (string Type, string Message) ParseError(HttpResponseMessage response, byte[] payload)
    {
        string? type = null, message = null;
        try
        {
            using var document = JsonDocument.Parse(payload);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    if (property.Value.ValueKind != JsonValueKind.String)
                    {
                        continue;
                    }

                    if (property.NameEquals("__type"))
                    {
                        type = property.Value.GetString();
                    }
                    else if (property.Name.Equals("message", StringComparison.OrdinalIgnoreCase))
                    {
                        message = property.Value.GetString();
                    }
                }
            }
        }
        catch (JsonException)
        {
            message = Encoding.UTF8.GetString(payload);
        }

        if (type is null && response.Headers.TryGetValues("x-amzn-ErrorType", out var values))
        {
            type = values.FirstOrDefault();
        }

        return (ShortErrorType(type) ?? $"Http{(int)response.StatusCode}", message ?? response.ReasonPhrase ?? "no message");
    }

    internal static string? ShortErrorType(string? type)
    {
        if (string.IsNullOrWhiteSpace(type))
        {
            return null;
        }

        var name = type[(type.LastIndexOf('#') + 1)..];
        var colon = name.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? name : name[..colon];
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Athena query {QueryExecutionId} started in workgroup {WorkGroup}")]
    private static partial void LogStarted(ILogger logger, string queryExecutionId, string workGroup);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Athena query {QueryExecutionId} returned {Rows} rows in {ElapsedMs:F0} ms")]
    private static partial void LogSucceeded(ILogger logger, string queryExecutionId, int rows, double elapsedMs);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Athena query {QueryExecutionId} was stopped (cancelled or timed out)")]
    private static partial void LogStopped(ILogger logger, string queryExecutionId);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Athena query {QueryExecutionId} could not be stopped")]
    private static partial void LogStopFailed(ILogger logger, string queryExecutionId, Exception exception);
}
