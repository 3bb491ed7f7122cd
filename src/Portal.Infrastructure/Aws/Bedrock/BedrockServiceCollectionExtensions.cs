using Microsoft.Extensions.AI;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Portal.Core.Images;
using Portal.Infrastructure.Aws.Signing;

namespace Portal.Infrastructure.Aws.Bedrock;

public static class BedrockServiceCollectionExtensions
{
    /// <summary>
    /// Titan image embeddings and Nova Lite quality assessment over Bedrock Runtime. The Titan generator is always registered as
    /// itself (for <c>portal reembed --model titan</c>); it becomes the portal's embedding generator unless
    /// <c>Aws:Bedrock:UseForEmbeddings</c> is false, and Nova Lite the quality assessor unless <c>Aws:Bedrock:UseForQuality</c> is.
    /// </summary>
    public static IServiceCollection AddBedrockAdapters(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(BedrockOptions.SectionName);
        AddBedrockOptions(services, section);
        AddBedrockRuntimeHttpClient(services);
        services.AddSingleton<BedrockRuntimeClient>();
        services.AddSingleton<TitanImageEmbeddingGenerator>();
        services.AddSingleton<NovaLiteQualityAssessor>();
        if (section.GetValue(nameof(BedrockOptions.UseForEmbeddings), true))
        {
            services.AddSingleton<IEmbeddingGenerator<DataContent, Embedding<float>>>(sp => sp.GetRequiredService<TitanImageEmbeddingGenerator>());
        }

        if (section.GetValue(nameof(BedrockOptions.UseForQuality), true))
        {
            services.AddSingleton<IQualityAssessor>(sp => sp.GetRequiredService<NovaLiteQualityAssessor>());
        }

        return services;
    }

    private static void AddBedrockOptions(IServiceCollection services, IConfigurationSection section) =>
        services.AddOptions<BedrockOptions>().Bind(section).ValidateDataAnnotations()
            .Validate(o => BedrockOptions.SupportedDimensions.Contains(o.EmbeddingDimension), "Aws:Bedrock:EmbeddingDimension must be 256, 384 or 1024.")
            .Validate(o => string.IsNullOrWhiteSpace(o.ServiceUrl) || (Uri.TryCreate(o.ServiceUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"),
                "Aws:Bedrock:ServiceUrl must be an absolute http(s) URL.")
            .Validate(o => o.AttemptTimeout > TimeSpan.Zero, "Aws:Bedrock:AttemptTimeout must be positive.")
            .Validate(o => o.Timeout >= o.AttemptTimeout, "Aws:Bedrock:Timeout must be positive and at least Aws:Bedrock:AttemptTimeout.")
            .Validate(o => o.QualityTimeout > TimeSpan.Zero, "Aws:Bedrock:QualityTimeout must be positive.")
            .Validate(o => o.RetryBaseDelay >= TimeSpan.Zero && o.RetryBaseDelay <= TimeSpan.FromMinutes(1), "Aws:Bedrock:RetryBaseDelay must lie between 0 and 1 minute.")
            .ValidateOnStart();

    private static void AddBedrockRuntimeHttpClient(IServiceCollection services)
    {
        var httpClient = services.AddHttpClient(BedrockRuntimeClient.HttpClientName, (sp, client) =>
        {
            var bedrock = sp.GetRequiredService<IOptions<BedrockOptions>>().Value;
            var region = sp.GetRequiredService<IOptions<AwsOptions>>().Value.Region;
            var endpoint = string.IsNullOrWhiteSpace(bedrock.ServiceUrl) ? $"https://bedrock-runtime.{region}.amazonaws.com" : bedrock.ServiceUrl;
            client.BaseAddress = new Uri(endpoint.TrimEnd('/') + "/");
            // The resilience pipeline bounds each attempt and the whole call.
            client.Timeout = System.Threading.Timeout.InfiniteTimeSpan;
        });

        // Outermost first: the pipeline retries, the signing handler inside it signs every attempt afresh (x-amz-date).
        httpClient.AddResilienceHandler("bedrock", static (pipeline, context) =>
        {
            var bedrock = context.ServiceProvider.GetRequiredService<IOptions<BedrockOptions>>().Value;
            pipeline.AddTimeout(bedrock.Timeout);
            if (bedrock.MaxRetries > 0)
            {
                // 429 (ThrottlingException, ModelNotReadyException), 408, 5xx, timeouts of one attempt and connection failures.
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = bedrock.MaxRetries,
                    Delay = bedrock.RetryBaseDelay,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    ShouldRetryAfterHeader = true,
                });
            }

            pipeline.AddTimeout(bedrock.AttemptTimeout);
        });
        httpClient.AddSigV4Signing(BedrockRuntimeClient.SigningService);
    }
}
