using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DuckDB.NET.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Portal.Infrastructure.Aws.Signing;

namespace Portal.Testing.Aws.Athena;

/// <summary>
/// A loopback Athena: the JSON 1.1 protocol (<c>X-Amz-Target: AmazonAthena.*</c>) for StartQueryExecution, GetQueryExecution,
/// GetQueryResults and StopQueryExecution, SigV4 verified for service <c>athena</c> with <see cref="TestAwsKeys"/>, answered
/// by DuckDB over a local lake folder (<see cref="AthenaToDuckDb"/>). Queries go QUEUED → RUNNING → SUCCEEDED (or FAILED with
/// DuckDB's reason) across polls; a client request token returns the query it started; results are paged with a small
/// configurable page size, the header row first. Faults: <see cref="ThrottleNext"/>, <see cref="ResponseDelay"/>,
/// <see cref="HoldQueriesRunning"/>.
/// </summary>
public sealed class FakeAthenaServer : IAsyncDisposable
{
    public const string DefaultDatabase = "portal";
    public const string DefaultTable = "sales_history";
    private const string JsonContentType = "application/x-amz-json-1.1";
    private const string TargetPrefix = "AmazonAthena.";

    // AWS does not escape quotes and apostrophes in its JSON.
    private static readonly JsonSerializerOptions JsonWriteOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Func<CancellationToken, Task<string>> _lakeRoot;
    private readonly SigV4Verifier _verifier;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, FakeAthenaQuery> _queries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _tokens = new(StringComparer.Ordinal);
    private readonly List<string> _operations = [];
    private readonly DuckDBConnection _duck;
    private LoopbackHost? _host;
    private int _throttleRemaining;
    private int _refusedSignatures;
    private int _acceptedRequests;

    private FakeAthenaServer(Func<CancellationToken, Task<string>> lakeRoot, string database, string table)
    {
        _lakeRoot = lakeRoot;
        Database = database;
        Table = table;
        _verifier = new SigV4Verifier(TimeProvider.System, TestAwsKeys.Region, "athena", TestAwsKeys.Known);
        _duck = new DuckDBConnection("DataSource=:memory:");
        _duck.Open();
        using var setup = _duck.CreateCommand();
        setup.CommandText = "SET GLOBAL autoinstall_known_extensions = false; SET GLOBAL autoload_known_extensions = false;";
        setup.ExecuteNonQuery();
    }

    public string Database { get; }

    public string Table { get; }

    public string ServiceUrl => _host?.ServiceUrl ?? throw new InvalidOperationException("The fake is not started.");

    /// <summary>Rows per <c>GetQueryResults</c> page at most (the header row counts on the first page, as in Athena).</summary>
    public int PageSize { get; set; } = 1000;

    /// <summary>Added before every answer (after the signature check), to make slow calls.</summary>
    public TimeSpan ResponseDelay { get; set; }

    /// <summary>Queries stay RUNNING (never execute) until stopped: for timeout and cancellation tests.</summary>
    public bool HoldQueriesRunning { get; set; }

    /// <summary>The operations served (signature accepted), in order.</summary>
    public IReadOnlyList<string> Operations
    {
        get
        {
            lock (_gate)
            {
                return [.. _operations];
            }
        }
    }

    public IReadOnlyList<FakeAthenaQuery> Queries
    {
        get
        {
            lock (_gate)
            {
                return [.. _queries.Values];
            }
        }
    }

    public int RefusedSignatures => Volatile.Read(ref _refusedSignatures);

    /// <summary>Requests whose signature was accepted, counted before any injected delay or throttling (so every attempt counts).</summary>
    public int AcceptedRequests => Volatile.Read(ref _acceptedRequests);

    /// <summary>The next <paramref name="calls"/> calls (any operation) answer 400 <c>ThrottlingException</c>.</summary>
    public void ThrottleNext(int calls) => Interlocked.Exchange(ref _throttleRemaining, calls);

    public static async Task<FakeAthenaServer> StartAsync(Func<CancellationToken, Task<string>> lakeRoot, string database = DefaultDatabase, string table = DefaultTable)
    {
        ArgumentNullException.ThrowIfNull(lakeRoot);
        var server = new FakeAthenaServer(lakeRoot, database, table);
        server._host = await LoopbackHost.StartAsync(app => app.MapPost("/", server.HandleAsync));
        return server;
    }

    /// <summary>A fake over a fixed local lake folder.</summary>
    public static Task<FakeAthenaServer> StartAsync(string lakeRoot) => StartAsync(_ => Task.FromResult(lakeRoot));

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        request.EnableBuffering();
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();

        if (Verify(context, body) is { } refusal)
        {
            Interlocked.Increment(ref _refusedSignatures);
            var type = refusal.Code == SigV4Failure.Incomplete ? "IncompleteSignatureException"
                : refusal.Message.Contains("security token", StringComparison.Ordinal) ? "UnrecognizedClientException" : refusal.Code;
            await WriteErrorAsync(context, new AthenaFault(refusal.HttpStatus, type, refusal.Message));
            return;
        }

        Interlocked.Increment(ref _acceptedRequests);
        if (ResponseDelay > TimeSpan.Zero)
        {
            await Task.Delay(ResponseDelay, context.RequestAborted);
        }

        if (Interlocked.Decrement(ref _throttleRemaining) >= 0)
        {
            await WriteErrorAsync(context, new AthenaFault(400, "ThrottlingException", "Rate exceeded"));
            return;
        }

        Interlocked.Exchange(ref _throttleRemaining, 0);
        var target = request.Headers["X-Amz-Target"].ToString();
        if (!string.Equals(request.ContentType?.Split(';')[0].Trim(), JsonContentType, StringComparison.OrdinalIgnoreCase) || !target.StartsWith(TargetPrefix, StringComparison.Ordinal))
        {
            await WriteErrorAsync(context, new AthenaFault(400, "UnknownOperationException", "Expected application/x-amz-json-1.1 with an X-Amz-Target of AmazonAthena.<Operation>."));
            return;
        }

        var operation = target[TargetPrefix.Length..];
        lock (_gate)
        {
            _operations.Add(operation);
        }

        try
        {
            var input = JsonNode.Parse(body)?.AsObject() ?? throw new AthenaFault(400, "SerializationException", "The request body is empty.");
            JsonObject response = operation switch
            {
                "StartQueryExecution" => StartQueryExecution(input),
                "GetQueryExecution" => await GetQueryExecutionAsync(input, context.RequestAborted),
                "GetQueryResults" => GetQueryResults(input),
                "StopQueryExecution" => StopQueryExecution(input),
                _ => throw new AthenaFault(400, "UnknownOperationException", $"Operation {operation} is not supported by this endpoint."),
            };
            context.Response.StatusCode = 200;
            context.Response.ContentType = JsonContentType;
            await context.Response.WriteAsync(response.ToJsonString(JsonWriteOptions), context.RequestAborted);
        }
        catch (JsonException)
        {
            await WriteErrorAsync(context, new AthenaFault(400, "SerializationException", "The request body is not valid JSON."));
        }
        catch (AthenaFault fault)
        {
            await WriteErrorAsync(context, fault);
        }
    }

    private SigV4Failure? Verify(HttpContext context, byte[] body)
    {
        if (string.IsNullOrEmpty(context.Request.Headers.Authorization.ToString()))
        {
            return new SigV4Failure(SigV4Failure.Incomplete, "Request is missing Authentication Token");
        }

        return _verifier.Verify(SigV4Requests.FromHttpContext(context, body));
    }

    private JsonObject StartQueryExecution(JsonObject input)
    {
        var sql = RequiredString(input, "QueryString");
        var token = input["ClientRequestToken"]?.GetValue<string>() ?? Guid.NewGuid().ToString("N");
        if (token.Length is < 32 or > 128)
        {
            throw new AthenaFault(400, "InvalidRequestException", "ClientRequestToken must be between 32 and 128 characters.");
        }

        var parameters = input["ExecutionParameters"]?.AsArray().Select(p => p!.GetValue<string>()).ToList() ?? [];
        var context = input["QueryExecutionContext"] as JsonObject;
        lock (_gate)
        {
            if (_tokens.TryGetValue(token, out var existingId))
            {
                var existing = _queries[existingId];
                if (existing.Sql != sql || !existing.ExecutionParameters.SequenceEqual(parameters))
                {
                    throw new AthenaFault(400, "InvalidRequestException", "Idempotent parameters do not match: this ClientRequestToken was used for another query.");
                }

                return new JsonObject { ["QueryExecutionId"] = existingId };
            }

            var query = new FakeAthenaQuery(Guid.NewGuid().ToString(), token, sql, parameters,
                input["WorkGroup"]?.GetValue<string>(), context?["Database"]?.GetValue<string>(), context?["Catalog"]?.GetValue<string>(),
                (input["ResultConfiguration"] as JsonObject)?["OutputLocation"]?.GetValue<string>());
            _queries[query.Id] = query;
            _tokens[token] = query.Id;
            return new JsonObject { ["QueryExecutionId"] = query.Id };
        }
    }

    private async Task<JsonObject> GetQueryExecutionAsync(JsonObject input, CancellationToken cancellationToken)
    {
        var query = Find(RequiredString(input, "QueryExecutionId"));
        string reported;
        var run = false;
        lock (_gate)
        {
            reported = query.State;
            query.ReportedStates.Add(reported);
            switch (query.State)
            {
                case "QUEUED":
                    query.State = "RUNNING";
                    break;
                // One poll sees it RUNNING; the next one runs it and answers how it ended.
                case "RUNNING" when !HoldQueriesRunning && query.ReportedStates.Count(s => s == "RUNNING") > 1:
                    run = true;
                    break;
            }
        }

        if (run)
        {
            await ExecuteAsync(query, cancellationToken);
            lock (_gate)
            {
                reported = query.State;
                query.ReportedStates[^1] = reported;
            }
        }

        var status = new JsonObject { ["State"] = reported, ["SubmissionDateTime"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0 };
        if (query.StateChangeReason is { } reason && reported is "FAILED" or "CANCELLED")
        {
            status["StateChangeReason"] = reason;
        }

        return new JsonObject
        {
            ["QueryExecution"] = new JsonObject
            {
                ["QueryExecutionId"] = query.Id,
                ["Query"] = query.Sql,
                ["StatementType"] = "DML",
                ["Status"] = status,
                ["WorkGroup"] = query.WorkGroup,
            },
        };
    }

    private async Task ExecuteAsync(FakeAthenaQuery query, CancellationToken cancellationToken)
    {
        try
        {
            var (sql, count) = AthenaToDuckDb.Translate(query.Sql, query.Database ?? Database, Table, await _lakeRoot(cancellationToken));
            if (count != query.ExecutionParameters.Count)
            {
                throw new InvalidOperationException($"Incorrect number of parameters: expected {count} but found {query.ExecutionParameters.Count}");
            }

            var values = query.ExecutionParameters.Select((literal, i) =>
            {
                try
                {
                    return AthenaToDuckDb.ParseLiteral(literal);
                }
                catch (FormatException)
                {
                    throw new InvalidOperationException($"line 1:1: Execution parameter {i + 1} is not a literal: {literal}");
                }
            }).ToList();

            query.TranslatedSql = sql;
            using var connection = _duck.Duplicate();
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var value in values)
            {
                command.Parameters.Add(new DuckDBParameter(value));
            }

            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var columns = Enumerable.Range(0, reader.FieldCount).Select(i => (reader.GetName(i), AthenaToDuckDb.TypeName(reader.GetFieldType(i)))).ToList();
            var rows = new List<string?[]>();
            while (await reader.ReadAsync(cancellationToken))
            {
                var row = new string?[reader.FieldCount];
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] = reader.IsDBNull(i) ? null : AthenaToDuckDb.Text(reader.GetValue(i));
                }

                rows.Add(row);
            }

            lock (_gate)
            {
                query.Columns = columns;
                query.Rows = rows;
                if (query.State == "RUNNING")
                {
                    query.State = "SUCCEEDED";
                }
            }
        }
        catch (Exception exception) when (exception is DuckDBException or InvalidOperationException or IOException)
        {
            lock (_gate)
            {
                if (query.State == "RUNNING")
                {
                    query.State = "FAILED";
                    query.StateChangeReason = exception.Message;
                }
            }
        }
    }

    private JsonObject GetQueryResults(JsonObject input)
    {
        var query = Find(RequiredString(input, "QueryExecutionId"));
        var maxResults = input["MaxResults"]?.GetValue<int>() ?? 1000;
        if (maxResults is < 1 or > 1000)
        {
            throw new AthenaFault(400, "InvalidRequestException", "MaxResults must be between 1 and 1000.");
        }

        lock (_gate)
        {
            if (query.State != "SUCCEEDED")
            {
                throw new AthenaFault(400, "InvalidRequestException", query.State is "QUEUED" or "RUNNING"
                    ? $"Query has not yet finished. Current state: {query.State}"
                    : $"Query did not finish successfully. Final query state: {query.State}");
            }

            var offset = 0;
            if (input["NextToken"]?.GetValue<string>() is { } token)
            {
                var parts = Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split(':');
                if (parts.Length != 2 || parts[0] != query.Id || !int.TryParse(parts[1], out offset))
                {
                    throw new AthenaFault(400, "InvalidRequestException", "The NextToken is not valid for this query.");
                }
            }

            // The header is row 0 of the virtual result, so it leads the first page only.
            var header = query.Columns.Select(c => (string?)c.Name).ToArray();
            var all = query.Rows.Prepend(header).ToList();
            var size = Math.Min(maxResults, PageSize);
            var page = all.Skip(offset).Take(size).ToList();
            var rows = new JsonArray(page.Select(row => (JsonNode)new JsonObject
            {
                ["Data"] = new JsonArray(row.Select(v => (JsonNode)(v is null ? new JsonObject() : new JsonObject { ["VarCharValue"] = v })).ToArray()),
            }).ToArray());
            var response = new JsonObject
            {
                ["UpdateCount"] = 0,
                ["ResultSet"] = new JsonObject
                {
                    ["Rows"] = rows,
                    ["ResultSetMetadata"] = new JsonObject
                    {
                        ["ColumnInfo"] = new JsonArray(query.Columns.Select(c => (JsonNode)new JsonObject
                        {
                            ["CatalogName"] = "hive", ["SchemaName"] = "", ["TableName"] = "", ["Name"] = c.Name, ["Label"] = c.Name,
                            ["Type"] = c.Type, ["Precision"] = 0, ["Scale"] = 0, ["Nullable"] = "UNKNOWN", ["CaseSensitive"] = c.Type == "varchar",
                        }).ToArray()),
                    },
                },
            };
            if (offset + size < all.Count)
            {
                response["NextToken"] = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{query.Id}:{offset + size}"));
            }

            return response;
        }
    }

    private JsonObject StopQueryExecution(JsonObject input)
    {
        var query = Find(RequiredString(input, "QueryExecutionId"));
        lock (_gate)
        {
            if (query.State is "QUEUED" or "RUNNING")
            {
                query.State = "CANCELLED";
                query.StateChangeReason = "Query cancelled by user";
            }
        }

        return [];
    }

    private FakeAthenaQuery Find(string id)
    {
        lock (_gate)
        {
            return _queries.TryGetValue(id, out var query)
                ? query
                : throw new AthenaFault(400, "InvalidRequestException", $"QueryExecution {id} was not found");
        }
    }

    private static string RequiredString(JsonObject input, string name) =>
        input[name]?.GetValue<string>() is { Length: > 0 } value ? value : throw new AthenaFault(400, "InvalidRequestException", $"{name} is required.");

    private static async Task WriteErrorAsync(HttpContext context, AthenaFault fault)
    {
        context.Response.StatusCode = fault.Status;
        context.Response.ContentType = JsonContentType;
        context.Response.Headers["x-amzn-ErrorType"] = fault.Type;
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        var body = new JsonObject { ["__type"] = fault.Type, ["message"] = fault.Message };
        if (fault.Type == "InvalidRequestException")
        {
            body["AthenaErrorCode"] = "INVALID_INPUT";
        }

        await context.Response.WriteAsync(body.ToJsonString(JsonWriteOptions));
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        _duck.Dispose();
    }

    private sealed class AthenaFault(int status, string type, string message) : Exception(message)
    {
        public int Status { get; } = status;

        public string Type { get; } = type;
    }
}
