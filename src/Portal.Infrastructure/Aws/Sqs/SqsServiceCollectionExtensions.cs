using Amazon;
using Amazon.Runtime;
using Amazon.SQS;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Portal.Infrastructure.Aws.Sqs;

public static class SqsServiceCollectionExtensions
{
    /// <summary>
    /// The SQS consumer (section <c>Sync:Sqs</c>, validated on start). It is registered only when <c>Sync:Sqs:QueueUrl</c> is
    /// set; the client uses the default AWS credential chain unless an <see cref="IAmazonSQS"/> is already registered.
    /// </summary>
    public static IHostApplicationBuilder AddSqsConsumer(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(SqsConsumerOptions.SectionName);
        builder.Services.AddOptions<SqsConsumerOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton<SqsConsumerStatus>();
        if (section.Get<SqsConsumerOptions>()?.IsEnabled != true)
        {
            return builder;
        }

        // Sync:Sqs:Region falls back to Aws:Region; the keys come from the provider's credential chain when it registered one.
        var fallbackRegion = builder.Configuration[$"{Aws.AwsOptions.SectionName}:Region"];
        builder.Services.TryAddSingleton<IAmazonSQS>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SqsConsumerOptions>>().Value;
            if (string.IsNullOrWhiteSpace(options.Region) && !string.IsNullOrWhiteSpace(fallbackRegion))
            {
                options = options.WithRegion(fallbackRegion);
            }

            var config = CreateClientConfig(options);
            return sp.GetService<AWSCredentials>() is { } credentials ? new AmazonSQSClient(credentials, config) : new AmazonSQSClient(config);
        });
        builder.Services.AddHostedService<SqsConsumer>();
        return builder;
    }

    /// <summary>The client configuration: the endpoint override when given (signing for the configured region), else the region's endpoint.</summary>
    public static AmazonSQSConfig CreateClientConfig(SqsConsumerOptions options)
    {
        var config = new AmazonSQSConfig
        {
            // Long polls must not be cut short by the client: the wait plus a margin.
            Timeout = options.WaitTime + TimeSpan.FromSeconds(10),
        };
        if (!string.IsNullOrWhiteSpace(options.ServiceUrl))
        {
            config.ServiceURL = options.ServiceUrl;
            config.AuthenticationRegion = string.IsNullOrWhiteSpace(options.Region) ? "us-east-1" : options.Region;
        }
        else if (!string.IsNullOrWhiteSpace(options.Region))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }

        return config;
    }
}
