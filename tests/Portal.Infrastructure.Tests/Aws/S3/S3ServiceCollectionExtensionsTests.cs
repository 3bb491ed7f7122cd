using Amazon.Runtime;
using Amazon.S3;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Core.Images;
using Portal.Core.Sales;
using Portal.Infrastructure.Aws;
using Portal.Infrastructure.Aws.S3;
using Portal.Testing.Aws;

namespace Portal.Infrastructure.Tests.Aws.S3;

/// <summary>The <c>Aws:S3</c> section is validated with messages that name the key, and the adapters are what DI serves.</summary>
public sealed class S3ServiceCollectionExtensionsTests
{
    [Fact]
    public void ServesTheS3ImageStoreAndLakeWithTheRegisteredCredentials()
    {
        using var provider = Build(new() { ["Aws:S3:ImagesBucket"] = "portal-images", ["Aws:S3:LakeBucket"] = "portal-lake" });

        Assert.IsType<S3ImageStore>(provider.GetRequiredService<IImageStore>());
        Assert.IsType<S3SalesLake>(provider.GetRequiredService<ISalesLake>());
        var options = provider.GetRequiredService<IOptions<S3Options>>().Value;
        Assert.Equal("sales_history", options.LakePrefix);
        Assert.Equal(TimeSpan.FromMinutes(5), options.PresignedUrlExpiry);
        var client = Assert.IsType<AmazonS3Client>(provider.GetRequiredService<IAmazonS3>());
        Assert.Equal(TestAwsKeys.Region, client.Config.RegionEndpoint?.SystemName);
    }

    [Fact]
    public void PresignedUrlsGoToTheRegionalVirtualHostedEndpointWithoutAServiceUrl()
    {
        using var provider = Build(new() { ["Aws:S3:ImagesBucket"] = "portal-images", ["Aws:S3:LakeBucket"] = "portal-lake" });

        var url = new Uri(provider.GetRequiredService<IImageStore>().GetUrl("acme/00/0000000000000000000000000000000000000000000000000000000000000000.jpg"));

        Assert.Equal("https", url.Scheme);
        Assert.Equal($"portal-images.s3.{TestAwsKeys.Region}.amazonaws.com", url.Host);
        Assert.Equal("/acme/00/0000000000000000000000000000000000000000000000000000000000000000.jpg", url.AbsolutePath);
    }

    [Theory]
    [InlineData("Aws:S3:ImagesBucket", "", "Aws:S3:ImagesBucket is required")]
    [InlineData("Aws:S3:LakeBucket", "", "Aws:S3:LakeBucket is required")]
    [InlineData("Aws:S3:ImagesBucket", "Bad_Bucket", "Aws:S3:ImagesBucket must be a valid S3 bucket name")]
    [InlineData("Aws:S3:LakePrefix", "/sales_history/", "Aws:S3:LakePrefix must be")]
    [InlineData("Aws:S3:ServiceUrl", "not a url", "Aws:S3:ServiceUrl must be an absolute http(s) URL")]
    [InlineData("Aws:S3:PresignedUrlExpiry", "8.00:00:00", "Aws:S3:PresignedUrlExpiry must be between")]
    [InlineData("Aws:S3:PresignedUrlExpiry", "00:00:00", "Aws:S3:PresignedUrlExpiry must be between")]
    public void ABadSettingIsRefusedNamingTheKey(string key, string value, string message)
    {
        var settings = new Dictionary<string, string?> { ["Aws:S3:ImagesBucket"] = "portal-images", ["Aws:S3:LakeBucket"] = "portal-lake", [key] = value };
        using var provider = Build(settings);

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<S3Options>>().Value);

        Assert.Contains(error.Failures, f => f.Contains(message, StringComparison.Ordinal));
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        settings["Aws:Region"] = TestAwsKeys.Region;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<AWSCredentials>(TestAwsKeys.SdkCredentials());
        services.AddOptions<AwsOptions>().Bind(configuration.GetSection(AwsOptions.SectionName));
        services.AddS3Adapters(configuration);
        return services.BuildServiceProvider();
    }
}
