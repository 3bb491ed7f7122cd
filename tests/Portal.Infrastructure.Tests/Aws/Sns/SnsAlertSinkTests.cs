using System.Net;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Core.Jobs;
using Portal.Core.Sales;
using Portal.Infrastructure.Aws.Signing;
using Portal.Infrastructure.Aws.Sns;
using Portal.Testing.Aws;
using Portal.Testing.Aws.Sns;

namespace Portal.Infrastructure.Tests.Aws.Sns;

public sealed class SnsAlertSinkTests : IAsyncLifetime
{
    private static readonly Alert Drift = new(
        "validation", AlertSeverity.Warning, "Store and lake drift for demo", "3 partitions over 5 %", new TenantId("demo"),
        new DateTimeOffset(2026, 3, 1, 3, 4, 5, TimeSpan.Zero), "/ops/validation/123");

    private readonly CapturingLoggerProvider _logs = new();
    private readonly List<ServiceProvider> _providers = [];
    private FakeSnsServer _sns = null!;
    private string _topicArn = null!;

    public async Task InitializeAsync()
    {
        _sns = await FakeSnsServer.StartAsync();
        _topicArn = _sns.CreateTopic("portal-alerts");
    }

    public async Task DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        await _sns.DisposeAsync();
    }

    /// <summary>The sink as the host registers it (typed client, resilience, signing), pointed at the fake.</summary>
    private ServiceProvider Services(string? topicArn, AwsSigningCredentials? keys = null, string? timeout = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Aws:Sns:TopicArn"] = topicArn,
            ["Aws:Sns:ServiceUrl"] = _sns.ServiceUrl,
            ["Aws:Sns:Timeout"] = timeout ?? "00:00:05",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IAwsCredentialSource>(new StaticAwsCredentialSource(keys ?? TestAwsKeys.Credentials));
        services.AddSingleton<SigV4Signer>();
        services.AddLogging(logging => logging.AddProvider(_logs).SetMinimumLevel(LogLevel.Debug));
        services.AddSnsAlerts(configuration);
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return provider;
    }

    private SnsAlertSink Sink(string? topicArn = null, AwsSigningCredentials? keys = null) =>
        Services(topicArn ?? _topicArn, keys).GetRequiredService<SnsAlertSink>();

    [Fact]
    public async Task PublishesAnAlertWithItsSubjectMessageAndAttributes()
    {
        var sink = Services(_topicArn).GetServices<IAlertSink>().OfType<SnsAlertSink>().Single();

        var messageId = await sink.PublishAsync(Drift, default);

        var published = Assert.Single(_sns.Published);
        Assert.Equal((messageId, _topicArn), (published.MessageId, published.TopicArn));
        Assert.Equal("[Warning] Store and lake drift for demo", published.Subject);
        Assert.Contains("3 partitions over 5 %", published.Message, StringComparison.Ordinal);
        Assert.Contains("Tenant: demo", published.Message, StringComparison.Ordinal);
        Assert.Contains("Details: /ops/validation/123", published.Message, StringComparison.Ordinal);
        Assert.Equal("Warning", published.Attributes["severity"]);
        Assert.Equal("demo", published.Attributes["tenant"]);
        Assert.Equal("validation", published.Attributes["source"]);
    }

    [Fact]
    public async Task ARequestSignedWithAWrongSecretIsRefusedAndNothingIsPublished()
    {
        var sink = Sink(keys: new AwsSigningCredentials(TestAwsKeys.AccessKeyId, "not-the-secret"));

        var error = await Assert.ThrowsAsync<SnsPublishException>(() => sink.PublishAsync(Drift, default));

        Assert.Equal((HttpStatusCode.Forbidden, "SignatureDoesNotMatch"), (error.StatusCode, error.ErrorCode));
        Assert.Empty(_sns.Published);
    }

    [Fact]
    public async Task AnUnknownAccessKeyIsRefusedAsAnInvalidToken()
    {
        var sink = Sink(keys: new AwsSigningCredentials("AKIDUNKNOWN", TestAwsKeys.SecretAccessKey));

        var error = await Assert.ThrowsAsync<SnsPublishException>(() => sink.PublishAsync(Drift, default));

        Assert.Equal((HttpStatusCode.Forbidden, "InvalidClientTokenId"), (error.StatusCode, error.ErrorCode));
        Assert.Empty(_sns.Published);
    }

    [Fact]
    public async Task ATopicInAnotherRegionIsSignedForThatRegionAndRefusedByThisOne()
    {
        var sink = Sink(topicArn: $"arn:aws:sns:us-east-1:{FakeSnsServer.AccountId}:portal-alerts");

        var error = await Assert.ThrowsAsync<SnsPublishException>(() => sink.PublishAsync(Drift, default));

        Assert.Equal("SignatureDoesNotMatch", error.ErrorCode);
        Assert.Contains("region", error.ErrorMessage, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(_sns.Published);
    }

    [Fact]
    public async Task ARequestSignedForAnotherServiceIsRefused()
    {
        var options = Options.Create(new SnsOptions { TopicArn = _topicArn, ServiceUrl = _sns.ServiceUrl });
        using var client = new HttpClient(new SigV4SigningHandler(new StaticAwsCredentialSource(TestAwsKeys.Credentials), new SigV4Signer(TimeProvider.System), TestAwsKeys.Region, "sqs")
        {
            InnerHandler = new SocketsHttpHandler(),
        });
        var sink = new SnsAlertSink(client, options, NullLogger<SnsAlertSink>.Instance);

        var error = await Assert.ThrowsAsync<SnsPublishException>(() => sink.PublishAsync(Drift, default));

        Assert.Equal("SignatureDoesNotMatch", error.ErrorCode);
        Assert.Contains("service", error.ErrorMessage, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(_sns.Published);
    }

    [Fact]
    public async Task ThrottlingIsRetriedThenThePublishSucceedsOnce()
    {
        var sink = Sink();
        _sns.InjectThrottling(2);

        await sink.PublishAsync(Drift, default);

        Assert.Equal(3, _sns.RequestCount);
        Assert.Single(_sns.Published);
    }

    [Fact]
    public async Task AServerErrorIsRetriedThenThePublishSucceeds()
    {
        var sink = Sink();
        _sns.InjectServerErrors(1);

        await sink.PublishAsync(Drift, default);

        Assert.Equal(2, _sns.RequestCount);
        Assert.Single(_sns.Published);
    }

    [Fact]
    public async Task ThrottlingThatOutlastsTheRetriesFailsWithTheThrottlingCode()
    {
        var sink = Sink();
        _sns.InjectThrottling(10);

        var error = await Assert.ThrowsAsync<SnsPublishException>(() => sink.PublishAsync(Drift, default));

        Assert.Equal("Throttling", error.ErrorCode);
        Assert.Equal(4, _sns.RequestCount);
        Assert.Empty(_sns.Published);
    }

    [Fact]
    public async Task AnUnknownTopicFailsWithAClearLoggedErrorAndTheOtherSinksStillGetTheAlert()
    {
        var unknownTopic = _sns.TopicArn("no-such-topic");
        var services = Services(unknownTopic);
        var before = new RecordingSink();
        var after = new RecordingSink();
        var publisher = new AlertPublisher([before, services.GetRequiredService<SnsAlertSink>(), after], services.GetRequiredService<ILogger<AlertPublisher>>());

        var delivered = await publisher.PublishAsync(Drift, default);

        Assert.Equal(2, delivered);
        Assert.Equal([Drift], before.Received);
        Assert.Equal([Drift], after.Received);
        Assert.Empty(_sns.Published);
        Assert.Equal(1, _sns.RequestCount);
        var refused = Assert.Single(_logs.Entries, e => e.Category == typeof(SnsAlertSink).FullName && e.Level == LogLevel.Error);
        Assert.Contains("NotFound", refused.Message, StringComparison.Ordinal);
        Assert.Contains(unknownTopic, refused.Message, StringComparison.Ordinal);
        Assert.Contains(_logs.Entries, e => e.Category == typeof(AlertPublisher).FullName && e.Exception is SnsPublishException);
    }

    [Fact]
    public async Task ALongTitleAndAHugeMessageAreCutToSnsLimitsAndAccepted()
    {
        var sink = Sink();
        var alert = Drift with { Title = "Drift\nfor tenant \u00e9\u00e8 " + new string('x', 300), Message = new string('\u00e9', 200_000) };

        await sink.PublishAsync(alert, default);

        var published = Assert.Single(_sns.Published);
        Assert.True(published.Subject!.Length <= SnsAlertSink.MaxSubjectLength);
        Assert.StartsWith("[Warning] Drift for tenant ?? xxx", published.Subject, StringComparison.Ordinal);
        Assert.True(Encoding.UTF8.GetByteCount(published.Message) <= SnsAlertSink.MaxMessageBytes);
        Assert.EndsWith("(truncated)", published.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutATopicNoSnsSinkIsRegistered()
    {
        var services = Services(null);

        Assert.Empty(services.GetServices<IAlertSink>());
        Assert.Null(services.GetService<SnsAlertSink>());
    }

    [Theory]
    [InlineData("arn:aws:sqs:eu-west-1:123456789012:portal-alerts")]
    [InlineData("arn:aws:sns:eu-west-1:1234:portal-alerts")]
    [InlineData("portal-alerts")]
    public void ATopicArnOfTheWrongShapeStopsTheStartNamingTheKey(string arn)
    {
        var services = Services(arn);

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<SnsOptions>>().Value);

        Assert.Contains("Aws:Sns:TopicArn", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ATopicArnGivesTheRegionalEndpointUnlessOverridden()
    {
        var options = new SnsOptions { TopicArn = "arn:aws:sns:eu-central-1:123456789012:portal-alerts" };

        Assert.Equal(new Uri("https://sns.eu-central-1.amazonaws.com/"), options.Endpoint(options.Topic!));
        Assert.Equal(new Uri("http://127.0.0.1:9/"), new SnsOptions { TopicArn = options.TopicArn, ServiceUrl = "http://127.0.0.1:9" }.Endpoint(options.Topic!));
    }

    private sealed class RecordingSink : IAlertSink
    {
        public List<Alert> Received { get; } = [];

        public Task SendAsync(Alert alert, CancellationToken cancellationToken)
        {
            Received.Add(alert);
            return Task.CompletedTask;
        }
    }
}
