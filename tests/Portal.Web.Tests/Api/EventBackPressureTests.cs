using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Portal.Infrastructure.Hosting;
using Portal.Core.Sync;
using static Portal.Web.Tests.Api.EventTestSupport;

namespace Portal.Web.Tests.Api;

/// <summary>A full channel answers 429 with Retry-After and takes nothing: here the consumer is not running and the channel holds one submission.</summary>
public sealed class EventBackPressureTests : IAsyncLifetime
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("portal-backpressure-tests-").FullName;
    private WebApplicationFactory<Program> _factory = null!;

    public Task InitializeAsync()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("Portal:DataDirectory", _dataDirectory);
            builder.UseSetting("Portal:SeedDemoData", "false");
            builder.UseSetting("Sync:ChannelCapacity", "1");
            builder.UseSetting("Sync:RetryAfter", "00:00:03");
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            builder.ConfigureTestServices(services =>
            {
                var consumer = services.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(EventConsumerService));
                services.Remove(consumer);
            });
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task AFullChannelAnswers429WithRetryAfterAndTakesNothing()
    {
        using var client = _factory.CreateClient();
        var channel = _factory.Services.GetRequiredService<SyncChannel>();
        using var waiting = new CancellationTokenSource();
        using var firstContent = new StringContent(Listed("first").ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        var first = client.PostAsync("/api/events", firstContent, waiting.Token);
        for (var i = 0; i < 400 && channel.Depth == 0; i++)
        {
            await Task.Delay(25);
        }

        Assert.Equal(1, channel.Depth);

        var (status, _, response) = await PostAsync(client, Listed("second").ToJsonString());

        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Equal(TimeSpan.FromSeconds(3), response.Headers.RetryAfter?.Delta);
        Assert.Equal(1, channel.Depth);
        await waiting.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
    }
}
