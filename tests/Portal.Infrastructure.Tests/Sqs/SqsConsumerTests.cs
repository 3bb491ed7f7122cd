using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Sync;
using Portal.Infrastructure.Aws.Sqs;

namespace Portal.Infrastructure.Tests.Sqs;

/// <summary>The consumer in a real host against the loopback SQS; the fake clock drives visibility timeouts on both sides.</summary>
public sealed class SqsConsumerTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 15, 0, 0, TimeSpan.Zero));
    private FakeSqsServer _server = null!;
    private string _queueUrl = null!;
    private string _deadLetterQueueUrl = null!;
    private IHost? _host;

    public async Task InitializeAsync()
    {
        _server = await FakeSqsServer.StartAsync(_time);
        _deadLetterQueueUrl = _server.CreateQueue("portal-product-events-dlq");
        _queueUrl = _server.CreateQueue("portal-product-events", _deadLetterQueueUrl, maxReceiveCount: 2);
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }

        await _server.DisposeAsync();
    }

    [Fact]
    public async Task DeletesAMessageOnceThePipelineAcceptedIt()
    {
        var submitter = new ParsingEventSubmitter();
        var body = ExampleText("product.sold");
        await SendAsync(body);

        await StartConsumerAsync(submitter);

        WaitUntil(() => _server.Messages(_queueUrl).Count == 0, "the message to be deleted");
        var (origin, result) = Assert.Single(submitter.Results);
        Assert.Equal(EventSubmissionOrigin.Sqs, origin.Transport);
        Assert.Null(origin.RestrictToTenant);
        var outcome = Assert.Single(result.Outcomes);
        Assert.Equal(EventOutcomeStatus.Accepted, outcome.Status);
        Assert.Equal("c5d8a3e2-71f4-4b0a-9e36-2f1d0c9b8a77", outcome.EventId);
        Assert.Equal(1, _server.OperationCount("DeleteMessage"));
        Assert.Empty(_server.Messages(_deadLetterQueueUrl));
    }

    [Fact]
    public async Task DeletesAMalformedMessageOnceThePipelineRejectedIt()
    {
        var submitter = new ParsingEventSubmitter();
        await SendAsync("{\"version\": \"0\", \"id\": ");

        await StartConsumerAsync(submitter);

        WaitUntil(() => _server.Messages(_queueUrl).Count == 0, "the rejected message to be deleted");
        var (_, result) = Assert.Single(submitter.Results);
        Assert.True(result.IsBatchRejected);
        Assert.Equal(EventError.Document, Assert.Single(result.BatchErrors).Path);
        Assert.Equal(1, _server.OperationCount("DeleteMessage"));
        Assert.Empty(_server.Messages(_deadLetterQueueUrl));
    }

    [Fact]
    public async Task LeavesAMessageWhoseSubmissionThrowsForRedeliveryAndTheQueueMovesItToItsDlqAfterTwoReceives()
    {
        var submitter = new ParsingEventSubmitter { BeforeSubmit = (_, _) => throw new EventBackPressureException(TimeSpan.FromSeconds(5)) };
        var body = ExampleText("product.sold");
        await SendAsync(body);

        await StartConsumerAsync(submitter);

        WaitUntil(() => submitter.Calls == 1, "the first delivery");
        var inFlight = Assert.Single(_server.Messages(_queueUrl));
        Assert.Equal(1, inFlight.ReceiveCount);

        // Still hidden just before its visibility timeout ends: not redelivered.
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(1, Assert.Single(_server.Messages(_queueUrl)).ReceiveCount);

        _time.Advance(TimeSpan.FromSeconds(2));
        WaitUntil(() => submitter.Calls == 2, "the redelivery after the visibility timeout");
        Assert.Equal(2, Assert.Single(_server.Messages(_queueUrl)).ReceiveCount);

        _time.Advance(TimeSpan.FromSeconds(31));
        WaitUntil(() => _server.Messages(_deadLetterQueueUrl).Count == 1, "the redrive policy to move the message to the DLQ");
        Assert.Empty(_server.Messages(_queueUrl));
        Assert.Equal(body, _server.Messages(_deadLetterQueueUrl)[0].Body);
        Assert.Equal(2, submitter.Calls);
        Assert.Equal(0, _server.OperationCount("DeleteMessage"));
        Assert.Empty(submitter.Results);
    }

    [Fact]
    public async Task ExtendsTheVisibilityOfAMessageStillBeingWorkedOnSoItIsNotRedelivered()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var submitter = new ParsingEventSubmitter { BeforeSubmit = (_, ct) => release.Task.WaitAsync(ct) };
        await SendAsync(ExampleText("product.listed"));

        await StartConsumerAsync(submitter);
        WaitUntil(() => submitter.Calls == 1, "the delivery");

        // Twice the 30 s visibility timeout in 10 s steps; each step's extension lands before the next.
        for (var step = 1; step <= 6; step++)
        {
            _time.Advance(TimeSpan.FromSeconds(10));
            var expected = step;
            WaitUntil(() => _server.OperationCount("ChangeMessageVisibility") >= expected, $"visibility extension {expected}");
        }

        var message = Assert.Single(_server.Messages(_queueUrl));
        Assert.Equal(1, message.ReceiveCount);
        Assert.True(message.VisibleAt > _time.GetUtcNow());
        Assert.Equal(1, submitter.Calls);

        release.SetResult();
        WaitUntil(() => _server.Messages(_queueUrl).Count == 0, "the message to be deleted");
        Assert.Equal(1, submitter.Calls);
        Assert.Equal(EventOutcomeStatus.Accepted, Assert.Single(Assert.Single(submitter.Results).Result.Outcomes).Status);
        Assert.Empty(_server.Messages(_deadLetterQueueUrl));
    }

    [Fact]
    public async Task TheFakeRefusesARequestWithoutASigV4Signature()
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, _server.BaseAddress)
        {
            Content = new StringContent(new JsonObject { ["QueueUrl"] = _queueUrl }.ToJsonString(), Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new("application/x-amz-json-1.0");
        request.Headers.Add("X-Amz-Target", "AmazonSQS.ReceiveMessage");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("com.amazonaws.sqs#MissingAuthenticationToken", (string?)error["__type"]);
        Assert.Equal(0, _server.OperationCount("ReceiveMessage"));

        using var anonymous = new AmazonSQSClient(new AnonymousAWSCredentials(), SqsServiceCollectionExtensions.CreateClientConfig(Options(_server.ServiceUrl)));
        var exception = await Assert.ThrowsAsync<AmazonSQSException>(() => anonymous.ReceiveMessageAsync(_queueUrl));
        // The SDK reports the query-compatible code from x-amzn-query-error, as it does against SQS itself.
        Assert.Equal("AWS.SimpleQueueService.MissingAuthenticationToken", exception.ErrorCode);
    }

    [Fact]
    public async Task TheFakeAnswersAnUnknownQueueWithTheSdksError()
    {
        using var client = Client();

        var exception = await Assert.ThrowsAsync<QueueDoesNotExistException>(() => client.ReceiveMessageAsync($"{_server.ServiceUrl}/{FakeSqsServer.AccountId}/nope"));

        Assert.Equal("AWS.SimpleQueueService.NonExistentQueue", exception.ErrorCode);
    }

    [Fact]
    public async Task RefusesToStartWithAnInvalidQueueUrl()
    {
        var builder = NewBuilder(new ParsingEventSubmitter(), queueUrl: "not a url");
        builder.AddSqsConsumer();
        using var host = builder.Build();

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Sync:Sqs:QueueUrl", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RegistersNoConsumerWithoutAQueueUrl()
    {
        var builder = NewBuilder(new ParsingEventSubmitter(), queueUrl: null);
        builder.AddSqsConsumer();
        using var host = builder.Build();

        Assert.DoesNotContain(host.Services.GetServices<IHostedService>(), s => s is SqsConsumer);
    }

    private async Task StartConsumerAsync(IEventSubmitter submitter)
    {
        var builder = NewBuilder(submitter, _queueUrl);
        builder.Services.AddSingleton<IAmazonSQS>(_ => Client());
        builder.AddSqsConsumer();
        _host = builder.Build();
        await _host.StartAsync();
    }

    private HostApplicationBuilder NewBuilder(IEventSubmitter submitter, string? queueUrl)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Sync:Sqs:QueueUrl"] = queueUrl,
            ["Sync:Sqs:ServiceUrl"] = _server.ServiceUrl,
            ["Sync:Sqs:Region"] = "eu-west-1",
            ["Sync:Sqs:WaitTime"] = "00:00:20",
            ["Sync:Sqs:VisibilityTimeout"] = "00:00:30",
            ["Sync:Sqs:Concurrency"] = "2",
        });
        builder.Services.AddSingleton<TimeProvider>(_time);
        builder.Services.AddSingleton(submitter);
        return builder;
    }

    private AmazonSQSClient Client() =>
        new(new BasicAWSCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), SqsServiceCollectionExtensions.CreateClientConfig(Options(_server.ServiceUrl)));

    private static SqsConsumerOptions Options(string serviceUrl) => new() { ServiceUrl = serviceUrl, Region = "eu-west-1", WaitTime = TimeSpan.FromSeconds(20) };

    private async Task SendAsync(string body)
    {
        using var client = Client();
        await client.SendMessageAsync(_queueUrl, body);
    }

    private static string ExampleText(string detailType)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "docs", "events", "examples", detailType + ".json");
            if (File.Exists(Path.Combine(dir.FullName, "Portal.sln")))
            {
                return File.ReadAllText(path);
            }
        }

        throw new InvalidOperationException($"No Portal.sln above {AppContext.BaseDirectory}.");
    }

    /// <summary>Waits for a state the consumer reaches asynchronously; the limit only bounds a broken run, it is not a timing assertion.</summary>
    private static void WaitUntil(Func<bool> condition, string what) =>
        Assert.True(SpinWait.SpinUntil(condition, Patience), $"Timed out waiting for {what}.");
}
