using Amazon.DynamoDBv2;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Sales;
using Portal.Core.Sync;
using Portal.Infrastructure.Aws;
using Portal.Infrastructure.Aws.DynamoDb;
using Portal.Infrastructure.Aws.DynamoDb.Sync;
using Portal.Testing.Aws;

namespace Portal.Infrastructure.Tests.Aws.DynamoDb.Sync;

/// <summary>
/// The stores behind a proxy that throttles one request in five and answers another with a 500 AFTER dynalite applied it
/// (a lost response): the SDK's retries carry every operation through, and a retried conditional write recognises its own
/// first write instead of reporting a conflict or writing twice.
/// </summary>
[Collection(DynaliteSyncCollection.Name)]
public sealed class DynamoDbSyncFaultTests(DynaliteSyncFixture dynalite) : IAsyncLifetime
{
    private static readonly TenantId Acme = new("acme");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
    private readonly HttpClient _forward = new();
    private LoopbackHost? _proxy;
    private AmazonDynamoDBClient? _faultyClient;
    private DynamoDbSyncTable? _table;
    private int _requests;
    private int _throttled;
    private int _lost;

    private static CancellationToken Ct => CancellationToken.None;

    public async Task InitializeAsync()
    {
        _table = await dynalite.NewTableAsync();
        _proxy = await LoopbackHost.StartAsync(app => app.Run(ForwardWithFaultsAsync));
        _faultyClient = new AmazonDynamoDBClient(TestAwsKeys.SdkCredentials(), DynamoDbServiceCollectionExtensions.CreateClientConfig(
            new DynamoDbOptions { ServiceUrl = _proxy.ServiceUrl, MaxAttempts = 8 },
            new AwsOptions { Region = TestAwsKeys.Region, Stage = "test" }));
    }

    public async Task DisposeAsync()
    {
        _faultyClient?.Dispose();
        if (_proxy is not null)
        {
            await _proxy.DisposeAsync();
        }

        _forward.Dispose();
    }

    [Fact]
    public async Task AClaimThroughThrottlingAndALostResponseIsStartedOnceAndCompletes()
    {
        var faulty = new DynamoDbIdempotencyStore(_faultyClient!, _table!, _time);
        var direct = new DynamoDbIdempotencyStore(dynalite.Client, _table!, _time);
        var key = new IdempotencyKey(Acme, ProductEventTypes.Sold, "e-1");
        var hash = new string('a', 64);

        Assert.Equal(IdempotencyClaimKind.Started, (await faulty.TryBeginAsync(key, hash, TimeSpan.FromMinutes(2), Ct)).Kind);
        Assert.Equal(IdempotencyClaimKind.InProgress, (await direct.TryBeginAsync(key, hash, TimeSpan.FromMinutes(2), Ct)).Kind);
        await faulty.CompleteAsync(key, "{\"status\":\"accepted\"}", Ct);

        var duplicate = await direct.TryBeginAsync(key, hash, TimeSpan.FromMinutes(2), Ct);
        Assert.Equal(IdempotencyClaimKind.Completed, duplicate.Kind);
        Assert.Equal("{\"status\":\"accepted\"}", duplicate.StoredOutcome);
        Assert.True(_throttled > 0 && _lost > 0, $"throttled {_throttled}, lost {_lost}");
    }

    [Fact]
    public async Task TransitionsAndDeadLettersThroughFaultsAreWrittenOnceAndNothingIsLost()
    {
        var states = new DynamoDbProductStateStore(_faultyClient!, _table!, _time);
        var letters = new DynamoDbDeadLetterStore(_faultyClient!, _table!, _time);
        var scope = new DeadLetterQuery { Tenant = Acme };
        var at = _time.GetUtcNow().AddMinutes(-1);

        var decisions = await states.ApplyAsync(
            [new(Acme, "p-1", ProductEventType.Listed, "l-1", at), new(Acme, "p-1", ProductEventType.Sold, "s-1", at)], Ct);
        var id = await letters.AddAsync(new NewDeadLetter
        {
            Tenant = Acme, EventId = "e-9", DetailType = ProductEventTypes.Sold, Category = DeadLetterCategory.Schema,
            Reason = "detail.soldPrice: must be positive", Payload = "{}", Transport = "sqs", FailedAt = _time.GetUtcNow(),
        }, Ct);
        var redriven = await letters.MarkRedrivenAsync(id, scope, "ops", null, Ct);

        Assert.All(decisions, d => Assert.True(d.Kind is TransitionKind.Apply or TransitionKind.Replay, d.ToString()));
        Assert.Equal(new ProductState(ProductStatus.Sold, 2, "s-1", at), await new DynamoDbProductStateStore(dynalite.Client, _table!, _time).GetAsync(Acme, "p-1", Ct));
        Assert.True(redriven);
        var direct = new DynamoDbDeadLetterStore(dynalite.Client, _table!, _time);
        Assert.Equal(1, await direct.CountAsync(scope with { Status = null }, Ct));
        Assert.Equal(DeadLetterStatus.Redriven, (await direct.GetAsync(id, scope, Ct))!.Status);
    }

    /// <summary>Request 1 of every 5 is throttled unseen; request 2 is applied by dynalite and answered with a 500; the others pass.</summary>
    private async Task ForwardWithFaultsAsync(HttpContext context)
    {
        var number = Interlocked.Increment(ref _requests);
        if (number % 5 == 1)
        {
            Interlocked.Increment(ref _throttled);
            await ErrorAsync(context, 400, "ProvisionedThroughputExceededException", "The level of configured provisioned throughput for the table was exceeded.");
            return;
        }

        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        using var forwarded = new HttpRequestMessage(HttpMethod.Post, new Uri(dynalite.ServiceUrl + context.Request.Path)) { Content = new ByteArrayContent(body.ToArray()) };
        foreach (var header in context.Request.Headers)
        {
            if (header.Key.Equals("Host", StringComparison.OrdinalIgnoreCase) || header.Key.StartsWith("Content-", StringComparison.OrdinalIgnoreCase))
            {
                if (header.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
                {
                    forwarded.Content.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray());
                }

                continue;
            }

            forwarded.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray());
        }

        using var response = await _forward.SendAsync(forwarded);
        var payload = await response.Content.ReadAsByteArrayAsync();
        if (number % 5 == 2)
        {
            Interlocked.Increment(ref _lost);
            await ErrorAsync(context, 500, "InternalServerError", "Internal server error");
            return;
        }

        context.Response.StatusCode = (int)response.StatusCode;
        context.Response.ContentType = response.Content.Headers.ContentType?.ToString();
        foreach (var name in new[] { "x-amzn-RequestId", "x-amz-crc32" })
        {
            if (response.Headers.TryGetValues(name, out var values))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }

        await context.Response.Body.WriteAsync(payload);
    }

    private static async Task ErrorAsync(HttpContext context, int status, string type, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/x-amz-json-1.0";
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        await context.Response.WriteAsync($"{{\"__type\":\"com.amazonaws.dynamodb.v20120810#{type}\",\"message\":\"{message}\"}}");
    }
}
