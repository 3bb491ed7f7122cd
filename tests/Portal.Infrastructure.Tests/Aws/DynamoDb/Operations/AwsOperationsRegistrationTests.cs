using Amazon.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Portal.Core.Jobs;
using Portal.Core.Pricing.Decisions;
using Portal.Core.Sales;
using Portal.Core.Validation;
using Portal.Infrastructure.Aws.DynamoDb;
using Portal.Infrastructure.Aws.DynamoDb.Operations;
using Portal.Infrastructure.Aws.Sns;
using Portal.Infrastructure.Hosting;
using Portal.Infrastructure.Tests.Storage;
using Portal.Testing.Aws;
using Portal.Testing.Aws.Sns;

namespace Portal.Infrastructure.Tests.Aws.DynamoDb.Operations;

/// <summary>With <c>Portal:Provider = Aws</c> the operations ports are served by DynamoDB and alerts also go to SNS.</summary>
public sealed class AwsOperationsRegistrationTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private FakeSnsServer _sns = null!;

    public async Task InitializeAsync() => _sns = await FakeSnsServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _sns.DisposeAsync();
        _folder.Dispose();
    }

    private IHost Build(params (string Key, string? Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new (string Key, string? Value)[]
        {
            ("Portal:DataDirectory", _folder.Path),
            ("Portal:Provider", "Aws"),
            ("Aws:Region", TestAwsKeys.Region),
            ("Aws:Stage", "qa"),
            // Never called by these tests: nothing is read or written.
            ("Aws:DynamoDb:ServiceUrl", "http://127.0.0.1:9"),
        }.Concat(settings).Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        builder.Services.AddSingleton<AWSCredentials>(TestAwsKeys.SdkCredentials());
        builder.AddPortal();
        return builder.Build();
    }

    [Fact]
    public void TheOperationsPortsAreServedByDynamoDbAndTheTableIsDeclaredForProvisioning()
    {
        using var host = Build();

        Assert.IsType<DynamoDbPricingDecisionStore>(host.Services.GetRequiredService<IPricingDecisionStore>());
        Assert.IsType<DynamoDbJobRunStore>(host.Services.GetRequiredService<IJobRunStore>());
        Assert.IsType<DynamoDbJobWatermarkStore>(host.Services.GetRequiredService<IJobWatermarkStore>());
        Assert.IsType<DynamoDbValidationReportStore>(host.Services.GetRequiredService<IValidationReportStore>());
        var spec = Assert.Single(host.Services.GetServices<IDynamoDbTableSpec>(), s => s is OperationsTableSpec);
        Assert.Equal("portal-operations-qa", spec.TableName);
        Assert.Equal("portal-operations-qa", host.Services.GetRequiredService<OperationsTable>().Name);
        Assert.DoesNotContain(host.Services.GetServices<IAlertSink>(), s => s is SnsAlertSink);
    }

    [Fact]
    public async Task AConfiguredTopicAddsTheSnsSinkAndThePublisherFansOutToIt()
    {
        var topic = _sns.CreateTopic("portal-alerts");
        using var host = Build(("Aws:Sns:TopicArn", topic), ("Aws:Sns:ServiceUrl", _sns.ServiceUrl));
        var alert = new Alert("validation", AlertSeverity.Critical, "Lake unreachable", "no partitions read", new TenantId("demo"), DateTimeOffset.UnixEpoch);

        var delivered = await host.Services.GetRequiredService<AlertPublisher>().PublishAsync(alert, default);

        var sinks = host.Services.GetServices<IAlertSink>().ToList();
        Assert.Contains(sinks, s => s is LogAlertSink);
        Assert.Contains(sinks, s => s is SnsAlertSink);
        Assert.Equal(sinks.Count, delivered);
        Assert.Equal("[Critical] Lake unreachable", Assert.Single(_sns.Published).Subject);
    }
}
