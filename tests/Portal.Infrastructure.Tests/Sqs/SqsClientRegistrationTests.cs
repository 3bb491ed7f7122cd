using Amazon.SQS;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Portal.Infrastructure.Aws.Sqs;

namespace Portal.Infrastructure.Tests.Sqs;

public sealed class SqsClientRegistrationTests
{
    [Fact]
    public void The_queue_client_takes_the_providers_region_when_its_own_section_names_none()
    {
        using var host = Build(new() { ["Aws:Region"] = "eu-central-1" });

        var client = host.Services.GetRequiredService<IAmazonSQS>();

        Assert.Equal("eu-central-1", client.Config.RegionEndpoint?.SystemName);
    }

    [Fact]
    public void The_queue_sections_own_region_wins_over_the_providers()
    {
        using var host = Build(new() { ["Aws:Region"] = "eu-central-1", ["Sync:Sqs:Region"] = "us-west-2" });

        var client = host.Services.GetRequiredService<IAmazonSQS>();

        Assert.Equal("us-west-2", client.Config.RegionEndpoint?.SystemName);
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Sync:Sqs:QueueUrl"] = "https://sqs.eu-central-1.amazonaws.com/123456789012/portal-product-events",
        });
        builder.Services.AddSingleton<Amazon.Runtime.AWSCredentials>(Portal.Testing.Aws.TestAwsKeys.SdkCredentials());
        builder.AddSqsConsumer();
        return builder.Build();
    }
}
