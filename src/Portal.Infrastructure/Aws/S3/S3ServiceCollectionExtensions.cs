using Amazon.Runtime;
using Amazon.S3;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Portal.Core.Images;

namespace Portal.Infrastructure.Aws.S3;

public static class S3ServiceCollectionExtensions
{
    /// <summary>Product images and the sales_history lake on S3.</summary>
    public static IServiceCollection AddS3Adapters(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<S3Options>().Bind(configuration.GetSection(S3Options.SectionName)).ValidateDataAnnotations()
            .Validate(o => string.IsNullOrWhiteSpace(o.ServiceUrl) || (Uri.TryCreate(o.ServiceUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"),
                "Aws:S3:ServiceUrl must be an absolute http(s) URL.")
            .Validate(o => o.PresignedUrlExpiry >= TimeSpan.FromSeconds(1) && o.PresignedUrlExpiry <= TimeSpan.FromDays(7),
                "Aws:S3:PresignedUrlExpiry must be between 00:00:01 and 7.00:00:00.")
            .Validate(o => o.RequestTimeout > TimeSpan.Zero, "Aws:S3:RequestTimeout must be positive.")
            .ValidateOnStart();
        services.TryAddSingleton<IAmazonS3>(sp => new AmazonS3Client(
            sp.GetRequiredService<AWSCredentials>(),
            CreateClientConfig(sp.GetRequiredService<IOptions<S3Options>>().Value, sp.GetRequiredService<IOptions<AwsOptions>>().Value)));
        services.TryAddSingleton(sp => new S3UrlPresigner(
            sp.GetRequiredService<IOptions<S3Options>>().Value,
            sp.GetRequiredService<IOptions<AwsOptions>>().Value.Region,
            sp.GetRequiredService<AWSCredentials>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IImageStore>(sp => new S3ImageStore(
            sp.GetRequiredService<IAmazonS3>(), sp.GetRequiredService<IOptions<S3Options>>().Value, sp.GetRequiredService<S3UrlPresigner>()));
        services.TryAddSingleton<ISalesLake>(sp => new S3SalesLake(
            sp.GetRequiredService<IAmazonS3>(), sp.GetRequiredService<IOptions<S3Options>>().Value, sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    public static AmazonS3Config CreateClientConfig(S3Options options, AwsOptions aws)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(aws);
        var config = new AmazonS3Config
        {
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = options.MaxAttempts - 1,
            Timeout = options.RequestTimeout,
            ForcePathStyle = options.ForcePathStyle,
        };
        return config.WithEndpoint(options.ServiceUrl, aws.Region);
    }
}
