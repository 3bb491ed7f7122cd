using System.Net;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Sales;
using Portal.Infrastructure.Aws.Athena;
using Portal.Infrastructure.Aws.Signing;
using Portal.Infrastructure.Embedded.Lake;
using Portal.Infrastructure.Tests.Storage;
using Portal.Testing.Aws;
using Portal.Testing.Aws.Athena;
using static Portal.Infrastructure.Tests.Storage.StorageTestData;

namespace Portal.Infrastructure.Tests.Aws.Athena;

/// <summary>The typed client's protocol behaviour against the fake: polling, paging, binding, stopping, failures and retries.</summary>
public sealed class AthenaClientTests : IAsyncLifetime
{
    private const string Table = "\"portal\".\"sales_history\"";
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly TempFolder _lake = new();
    private FakeAthenaServer _server = null!;

    public async Task InitializeAsync()
    {
        var sales = Enumerable.Range(1, 10).Select(i => Sale("acme", $"s{i:00}", i * 10m, Utc(2025, 1 + (i % 3), i), brand: i == 7 ? "O'Brien" : "zara")).ToList();
        sales.Add(Sale("other", "x1", 999m, Utc(2025, 1, 1)));
        await new ParquetSalesLake(new LakeOptions { RootDirectory = _lake.Path }, new FakeTimeProvider(Now)).AppendAsync(sales.Select(s => new LakeRow(s, null)).ToList(), Ct);
        _server = await FakeAthenaServer.StartAsync(_lake.Path);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _lake.Dispose();
    }

    [Fact]
    public async Task A_query_is_polled_through_queued_and_running_until_it_succeeds()
    {
        await using var athena = AthenaTestClient.Create(_server);

        var result = await athena.Client.ExecuteAsync($"SELECT COUNT(*) AS n FROM {Table} WHERE tenant_id = ?", ["acme"], Ct);

        Assert.Equal(10, Assert.Single(result.Rows).GetInt64(0));
        var query = Assert.Single(_server.Queries);
        Assert.Equal(["QUEUED", "RUNNING", "SUCCEEDED"], query.ReportedStates);
        Assert.Equal(result.QueryExecutionId, query.Id);
        Assert.Equal("portal-analytics", query.WorkGroup);
        Assert.Equal("portal", query.Database);
        Assert.Equal("AwsDataCatalog", query.Catalog);
        Assert.Equal("s3://portal-athena-results/queries/", query.OutputLocation);
        Assert.InRange(query.ClientRequestToken.Length, 32, 128);
        Assert.Equal(["StartQueryExecution", "GetQueryExecution", "GetQueryExecution", "GetQueryExecution", "GetQueryResults"], _server.Operations);
    }

    [Fact]
    public async Task Results_are_read_across_pages_with_the_header_row_skipped_and_typed_by_column_info()
    {
        _server.PageSize = 3;
        await using var athena = AthenaTestClient.Create(_server);

        var result = await athena.Client.ExecuteAsync($"SELECT sale_id, sold_price, CAST(month AS INTEGER) AS m FROM {Table} WHERE tenant_id = ? ORDER BY sale_id", ["acme"], Ct);

        // 1 header + 10 rows in pages of 3: four pages.
        Assert.Equal(4, _server.Operations.Count(o => o == "GetQueryResults"));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"s{i:00}"), result.Rows.Select(r => r.GetString(0)));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => i * 10.0), result.Rows.Select(r => r.GetDouble(1)));
        Assert.Equal(["sale_id", "sold_price", "m"], result.Columns.Select(c => c.Name));
        Assert.Equal(["varchar", "double", "integer"], result.Columns.Select(c => c.Type));
        Assert.Throws<InvalidCastException>(() => result.Rows[0].GetInt64(0));
    }

    [Fact]
    public async Task A_value_with_a_quote_is_bound_as_a_parameter_and_never_injected()
    {
        await using var athena = AthenaTestClient.Create(_server);
        var sql = $"SELECT sale_id FROM {Table} WHERE tenant_id = ? AND brand = ?";

        var obrien = await athena.Client.ExecuteAsync(sql, ["acme", "O'Brien"], Ct);
        var injection = await athena.Client.ExecuteAsync(sql, ["acme", "x' OR '1'='1"], Ct);

        Assert.Equal("s07", Assert.Single(obrien.Rows).GetString(0));
        Assert.Empty(injection.Rows);
        Assert.All(_server.Queries, q => Assert.Equal(sql, q.Sql));
        Assert.Equal(["'acme'", "'O''Brien'"], _server.Queries.Single(q => q.Id == obrien.QueryExecutionId).ExecutionParameters);
        Assert.Equal(["'acme'", "'x'' OR ''1''=''1'"], _server.Queries.Single(q => q.Id == injection.QueryExecutionId).ExecutionParameters);
    }

    [Fact]
    public async Task Typed_values_are_sent_as_athena_literals()
    {
        Assert.Equal("NULL", AthenaLiteral.Format(null));
        Assert.Equal("42", AthenaLiteral.Format(42));
        Assert.Equal("DOUBLE '0.1'", AthenaLiteral.Format(0.1));
        Assert.Equal("TIMESTAMP '2025-01-31 23:59:59.123'", AthenaLiteral.Format(new DateTime(2025, 1, 31, 23, 59, 59, 123)));
        Assert.Throws<ArgumentException>(() => AthenaLiteral.Format(new object()));
        await using var athena = AthenaTestClient.Create(_server);

        var result = await athena.Client.ExecuteAsync(
            $"SELECT COUNT(*) FROM {Table} WHERE tenant_id = ? AND sold_date >= ? AND sold_date < ? AND (? IS NULL OR category = ?)",
            ["acme", new DateTime(2025, 2, 1), new DateTime(2025, 3, 1), null, null], Ct);

        // February holds i = 1, 4, 7, 10 (month 1 + i % 3 == 2).
        Assert.Equal(4, result.Rows[0].GetInt64(0));
    }

    [Fact]
    public async Task Cancelling_the_callers_token_stops_the_query()
    {
        _server.HoldQueriesRunning = true;
        await using var athena = AthenaTestClient.Create(_server);
        using var cancellation = new CancellationTokenSource();

        var running = athena.Client.ExecuteAsync($"SELECT COUNT(*) FROM {Table} WHERE tenant_id = ?", ["acme"], cancellation.Token);
        await WaitUntilAsync(() => _server.Queries.Any(q => q.ReportedStates.Contains("RUNNING")));
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        var query = Assert.Single(_server.Queries);
        Assert.Equal("CANCELLED", query.State);
        Assert.Contains("StopQueryExecution", _server.Operations);
    }

    [Fact]
    public async Task A_query_past_the_timeout_is_stopped_and_reported_as_timed_out()
    {
        _server.HoldQueriesRunning = true;
        await using var athena = AthenaTestClient.Create(_server, new Dictionary<string, string?> { ["Aws:Athena:QueryTimeout"] = "00:00:00.300" });

        var exception = await Assert.ThrowsAsync<AthenaQueryTimeoutException>(() => athena.Client.ExecuteAsync($"SELECT COUNT(*) FROM {Table} WHERE tenant_id = ?", ["acme"], Ct));

        var query = Assert.Single(_server.Queries);
        Assert.Equal(query.Id, exception.QueryExecutionId);
        Assert.Contains("Aws:Athena:QueryTimeout", exception.Message, StringComparison.Ordinal);
        Assert.Equal("CANCELLED", query.State);
        Assert.Equal("StopQueryExecution", _server.Operations[^1]);
    }

    [Fact]
    public async Task A_failed_query_surfaces_athenas_reason()
    {
        await using var athena = AthenaTestClient.Create(_server);

        var exception = await Assert.ThrowsAsync<AthenaQueryFailedException>(() => athena.Client.ExecuteAsync($"SELECT no_such_column FROM {Table} WHERE tenant_id = ?", ["acme"], Ct));

        Assert.Equal("FAILED", exception.State);
        Assert.Contains("no_such_column", exception.Reason, StringComparison.Ordinal);
        Assert.Contains("no_such_column", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("GetQueryResults", _server.Operations);
    }

    [Fact]
    public async Task A_parameter_that_is_not_one_literal_fails_the_query()
    {
        await using var athena = AthenaTestClient.Create(_server);
        var start = await athena.Client.StartQueryExecutionAsync(new StartQueryExecutionRequest
        {
            QueryString = $"SELECT COUNT(*) FROM {Table} WHERE tenant_id = ?",
            ClientRequestToken = new string('t', 32),
            ExecutionParameters = ["'acme' OR 1=1"],
        }, Ct);

        string state;
        do
        {
            state = (await athena.Client.GetQueryExecutionAsync(start.QueryExecutionId, Ct)).QueryExecution.Status.State;
        }
        while (!QueryState.IsFinal(state));

        Assert.Equal("FAILED", state);
        var error = await Assert.ThrowsAsync<AthenaServiceException>(() => athena.Client.GetQueryResultsAsync(start.QueryExecutionId, null, 10, Ct));
        Assert.Equal("InvalidRequestException", error.ErrorType);
        Assert.Contains("FAILED", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Throttling_is_retried_and_the_query_runs_once()
    {
        await using var athena = AthenaTestClient.Create(_server);
        _server.ThrottleNext(3);

        var result = await athena.Client.ExecuteAsync($"SELECT COUNT(*) FROM {Table} WHERE tenant_id = ?", ["acme"], Ct);

        Assert.Equal(10, result.Rows[0].GetInt64(0));
        Assert.Single(_server.Queries);
        Assert.Equal(3 + _server.Operations.Count, _server.AcceptedRequests);
    }

    [Fact]
    public async Task Throttling_beyond_the_retries_is_reported_with_athenas_error_type()
    {
        await using var athena = AthenaTestClient.Create(_server, new Dictionary<string, string?> { ["Aws:Athena:MaxRetries"] = "2" });
        _server.ThrottleNext(100);

        var exception = await Assert.ThrowsAsync<AthenaServiceException>(() => athena.Client.ExecuteAsync($"SELECT 1 FROM {Table} WHERE tenant_id = ?", ["acme"], Ct));

        Assert.Equal("ThrottlingException", exception.ErrorType);
        Assert.Equal(400, exception.StatusCode);
        Assert.Equal("StartQueryExecution", exception.Operation);
        Assert.Empty(_server.Queries);
    }

    [Fact]
    public async Task A_slow_answer_past_the_request_timeout_is_retried()
    {
        await using var athena = AthenaTestClient.Create(_server, new Dictionary<string, string?> { ["Aws:Athena:RequestTimeout"] = "00:00:00.200", ["Aws:Athena:MaxRetries"] = "1" });
        _server.ResponseDelay = TimeSpan.FromSeconds(5);

        await Assert.ThrowsAsync<Polly.Timeout.TimeoutRejectedException>(() => athena.Client.ExecuteAsync($"SELECT 1 FROM {Table} WHERE tenant_id = ?", ["acme"], Ct));

        // The first attempt and one retry, each cut off by the attempt timeout.
        Assert.Equal(2, _server.AcceptedRequests);
        _server.ResponseDelay = TimeSpan.Zero;
        Assert.Equal(10, (await athena.Client.ExecuteAsync($"SELECT COUNT(*) FROM {Table} WHERE tenant_id = ?", ["acme"], Ct)).Rows[0].GetInt64(0));
    }

    [Fact]
    public async Task A_retried_start_with_the_same_token_returns_the_same_query()
    {
        await using var athena = AthenaTestClient.Create(_server);
        var request = new StartQueryExecutionRequest { QueryString = "SELECT 1", ClientRequestToken = Guid.NewGuid().ToString("N"), WorkGroup = "primary" };

        var first = await athena.Client.StartQueryExecutionAsync(request, Ct);
        var again = await athena.Client.StartQueryExecutionAsync(request, Ct);
        var mismatch = await Assert.ThrowsAsync<AthenaServiceException>(() => athena.Client.StartQueryExecutionAsync(request with { QueryString = "SELECT 2" }, Ct));

        Assert.Equal(first.QueryExecutionId, again.QueryExecutionId);
        Assert.Single(_server.Queries);
        Assert.Equal("InvalidRequestException", mismatch.ErrorType);
        await Assert.ThrowsAsync<ArgumentException>(() => athena.Client.StartQueryExecutionAsync(request with { ClientRequestToken = "short" }, Ct));
    }

    [Fact]
    public async Task An_unknown_query_id_is_an_invalid_request()
    {
        await using var athena = AthenaTestClient.Create(_server);

        var exception = await Assert.ThrowsAsync<AthenaServiceException>(() => athena.Client.GetQueryExecutionAsync(Guid.NewGuid().ToString(), Ct));

        Assert.Equal("InvalidRequestException", exception.ErrorType);
        Assert.Contains("was not found", exception.ServiceMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_signed_with_the_wrong_secret_key_is_refused()
    {
        await using var athena = AthenaTestClient.Create(_server, credentials: new AwsSigningCredentials(TestAwsKeys.AccessKeyId, "not-the-secret"));

        var exception = await Assert.ThrowsAsync<AthenaServiceException>(() => athena.Client.ExecuteAsync("SELECT 1", [], Ct));

        Assert.Equal(403, exception.StatusCode);
        Assert.Equal("InvalidSignatureException", exception.ErrorType);
        Assert.Contains("does not match", exception.ServiceMessage, StringComparison.Ordinal);
        Assert.Empty(_server.Operations);
    }

    [Fact]
    public async Task A_request_signed_for_another_region_is_refused()
    {
        await using var athena = AthenaTestClient.Create(_server, new Dictionary<string, string?> { ["Aws:Region"] = "us-west-2" });

        var exception = await Assert.ThrowsAsync<AthenaServiceException>(() => athena.Client.ExecuteAsync("SELECT 1", [], Ct));

        Assert.Equal(403, exception.StatusCode);
        Assert.Equal("InvalidSignatureException", exception.ErrorType);
        Assert.Contains("'us-west-2'", exception.ServiceMessage, StringComparison.Ordinal);
        Assert.Empty(_server.Operations);
    }

    [Fact]
    public async Task A_request_signed_for_another_service_or_unsigned_is_refused_with_athenas_error_shape()
    {
        using var signed = new HttpClient(new SigV4SigningHandler(new StaticAwsCredentialSource(TestAwsKeys.Credentials), new SigV4Signer(TimeProvider.System), TestAwsKeys.Region, "s3")
        {
            InnerHandler = new HttpClientHandler(),
        });
        using var unsigned = new HttpClient();

        using var wrongService = await signed.SendAsync(GetQueryExecution());
        using var anonymous = await unsigned.SendAsync(GetQueryExecution());

        Assert.Equal(HttpStatusCode.Forbidden, wrongService.StatusCode);
        var body = await wrongService.Content.ReadAsStringAsync();
        Assert.Contains("\"__type\":\"InvalidSignatureException\"", body, StringComparison.Ordinal);
        Assert.Contains("'athena'", body, StringComparison.Ordinal);
        Assert.Equal("InvalidSignatureException", wrongService.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.Equal(HttpStatusCode.BadRequest, anonymous.StatusCode);
        Assert.Contains("IncompleteSignatureException", await anonymous.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(2, _server.RefusedSignatures);
        Assert.Empty(_server.Operations);

        HttpRequestMessage GetQueryExecution() => new(HttpMethod.Post, _server.ServiceUrl + "/")
        {
            Content = new StringContent("{\"QueryExecutionId\":\"x\"}", Encoding.UTF8, AthenaClient.ContentType),
            Headers = { { "X-Amz-Target", "AmazonAthena.GetQueryExecution" } },
        };
    }

    [Theory]
    [InlineData("Aws:Athena:Database", "", "Aws:Athena:Database is required.")]
    [InlineData("Aws:Athena:Database", "bad-name;", "Aws:Athena:Database must be")]
    [InlineData("Aws:Athena:WorkGroup", "no spaces", "Aws:Athena:WorkGroup must be")]
    [InlineData("Aws:Athena:OutputLocation", "https://bucket/", "Aws:Athena:OutputLocation must be an s3:// URI")]
    [InlineData("Aws:Athena:ServiceUrl", "not a url", "Aws:Athena:ServiceUrl must be an absolute URL")]
    [InlineData("Aws:Athena:PollInterval", "00:00:00", "Aws:Athena:PollInterval must be positive")]
    [InlineData("Aws:Athena:MaxPollInterval", "00:00:00.001", "Aws:Athena:MaxPollInterval must not be shorter")]
    [InlineData("Aws:Athena:QueryTimeout", "-00:00:01", "Aws:Athena:QueryTimeout must be positive")]
    [InlineData("Aws:Athena:PageSize", "1001", "Aws:Athena:PageSize must be between 1 and 1000")]
    public async Task Invalid_settings_are_refused_naming_the_key(string key, string value, string message)
    {
        await using var athena = AthenaTestClient.Create(_server, new Dictionary<string, string?> { [key] = value });

        var exception = Assert.Throws<OptionsValidationException>(() => athena.Options);

        Assert.Contains(exception.Failures, f => f.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Defaults_are_the_documented_ones()
    {
        await using var athena = AthenaTestClient.Create(_server, new Dictionary<string, string?>
        {
            ["Aws:Athena:WorkGroup"] = null, ["Aws:Athena:PollInterval"] = null, ["Aws:Athena:MaxPollInterval"] = null, ["Aws:Athena:RetryBaseDelay"] = null,
        });

        var options = athena.Options;

        Assert.Equal("sales_history", options.Table);
        Assert.Equal("primary", options.WorkGroup);
        Assert.Equal(TimeSpan.FromMilliseconds(200), options.PollInterval);
        Assert.Equal(TimeSpan.FromSeconds(2), options.MaxPollInterval);
        Assert.Equal(TimeSpan.FromMinutes(2), options.QueryTimeout);
        Assert.Equal(1000, options.PageSize);
    }

    [Fact]
    public async Task The_adapters_serve_analytics_and_the_validation_lake_reader()
    {
        await using var athena = AthenaTestClient.Create(_server);

        Assert.IsType<AthenaSalesAnalytics>(athena.Analytics);
        Assert.IsType<Portal.Infrastructure.Aws.Athena.AthenaValidationLakeReader>(athena.LakeReader);
        Assert.Equal(10, await athena.Analytics.CountRowsAsync(new Portal.Core.Sales.TenantId("acme"), Ct));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Delay(5, limit.Token);
        }
    }
}
