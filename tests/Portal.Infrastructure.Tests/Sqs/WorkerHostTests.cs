using Amazon.Runtime;
using Amazon.SQS;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Sync;
using Portal.Infrastructure.Aws.Sqs;
using Portal.Infrastructure.Tests.Storage;
using Portal.Worker;

namespace Portal.Infrastructure.Tests.Sqs;

/// <summary>The worker host as composed by <c>AddWorkerServices</c>: it starts, consumes the queue through the real pipeline and reports its totals.</summary>
public sealed class WorkerHostTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 15, 0, 0, TimeSpan.Zero));
    private readonly TempFolder _data = new();
    private FakeSqsServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeSqsServer.StartAsync(_time);

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task TheWorkerHostConsumesTheQueueIntoThePipeline()
    {
        var dlq = _server.CreateQueue("events-dlq");
        var queue = _server.CreateQueue("events", dlq);
        var credentials = new BasicAWSCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        var options = new SqsConsumerOptions { ServiceUrl = _server.ServiceUrl, Region = "eu-west-1" };
        using (var sender = new AmazonSQSClient(credentials, SqsServiceCollectionExtensions.CreateClientConfig(options)))
        {
            await sender.SendMessageAsync(queue, "{\"not\": \"an envelope\"}");
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = Environments.Production });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Portal:DataDirectory"] = _data.Path,
            ["Sync:Sqs:QueueUrl"] = queue,
            ["Sync:Sqs:ServiceUrl"] = _server.ServiceUrl,
            ["Sync:Sqs:Region"] = "eu-west-1",
        });
        builder.Services.AddSingleton<TimeProvider>(_time);
        builder.Services.AddSingleton<IAmazonSQS>(_ => new AmazonSQSClient(credentials, SqsServiceCollectionExtensions.CreateClientConfig(options)));
        builder.AddWorkerServices();
        using var host = builder.Build();

        await host.StartAsync();
        try
        {
            Assert.True(SpinWait.SpinUntil(() => _server.Messages(queue).Count == 0, TimeSpan.FromSeconds(30)), "The worker did not consume the message.");
            var status = host.Services.GetRequiredService<SqsConsumerStatus>();
            Assert.True(SpinWait.SpinUntil(() => status.Deleted == 1, TimeSpan.FromSeconds(30)));
            Assert.Equal(1, status.Received);
            Assert.Equal(0, status.LeftForRedelivery);
            // The real pipeline refused the body and kept it as a dead letter; nothing reached the sales store.
            var letters = host.Services.GetRequiredService<IDeadLetterStore>();
            var letter = Assert.Single(await letters.ListAsync(new DeadLetterQuery { AllTenants = true }, CancellationToken.None));
            Assert.Equal(DeadLetterCategory.Schema, letter.Category);
            Assert.Equal(EventSubmissionOrigin.Sqs, letter.Transport);
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
