using Amazon.Runtime;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Portal.Core.Images;
using Portal.Core.Jobs;
using Portal.Core.Sync;
using Portal.Infrastructure.Aws.Bedrock;
using Portal.Infrastructure.Embedded.Imaging;
using Portal.Infrastructure.Embedded.Sqlite;
using Portal.Infrastructure.Formats.Imaging;
using Portal.Infrastructure.Hosting;
using Portal.Infrastructure.Tests.Storage;
using Portal.Testing.Aws;
using Portal.Testing.Aws.Bedrock;


namespace Portal.Infrastructure.Tests.Aws.Bedrock;

/// <summary>The whole infrastructure as the hosts build it: with <c>Portal:Provider = Aws</c> Bedrock serves the ports the
/// embedded defaults would otherwise fill, and the SDK credentials sign the calls.</summary>
public sealed class BedrockRegistrationTests(FakeBedrockFixture fixture) : IClassFixture<FakeBedrockFixture>, IDisposable
{
    private readonly FakeBedrockServer _bedrock = fixture.Reset();
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task WithTheAwsProviderTitanAndNovaLiteServeThePortsThroughTheSdkCredentials()
    {
        using var host = Build(("Portal:Provider", "Aws"));

        var generator = host.Services.GetRequiredService<IEmbeddingGenerator<DataContent, Embedding<float>>>();
        var assessor = host.Services.GetRequiredService<IQualityAssessor>();
        var reembed = Assert.IsType<ReembeddingJob>(Assert.Single(host.Services.GetServices<IPortalJob>(), j => j.Name == ReembeddingJob.JobName));
        var vector = await generator.GenerateVectorAsync(new DataContent(TitanImageEmbeddingGeneratorTests.Jpeg(200, 150, seed: 31), "image/jpeg"));

        Assert.IsType<TitanImageEmbeddingGenerator>(generator);
        Assert.IsType<NovaLiteQualityAssessor>(assessor);
        Assert.Equal("amazon.titan-embed-image-v1:1024", reembed.ModelId);
        Assert.Equal(1024, vector.Length);
    }

    [Fact]
    public void WithTheLocalProviderTheEmbeddedDefaultsStay()
    {
        using var host = Build(("Portal:Provider", "Local"));

        Assert.IsType<LocalQualityAssessor>(host.Services.GetRequiredService<IQualityAssessor>());
        Assert.Null(host.Services.GetService<TitanImageEmbeddingGenerator>());
        var reembed = Assert.IsType<ReembeddingJob>(Assert.Single(host.Services.GetServices<IPortalJob>(), j => j.Name == ReembeddingJob.JobName));
        Assert.Equal(OnnxImageEmbedder.ModelIdValue, reembed.ModelId);
    }

    private IHost Build(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new[]
            {
                ("Portal:DataDirectory", _folder.Path),
                ("Aws:Region", TestAwsKeys.Region),
                ("Aws:Stage", "test"),
                ("Aws:Bedrock:ServiceUrl", _bedrock.ServiceUrl),
                // The other AWS adapters' required settings (nothing here calls them).
                ("Aws:S3:ImagesBucket", "portal-images"),
                ("Aws:S3:LakeBucket", "portal-lake"),
                ("Aws:Athena:Database", "pricing_portal_test"),
            }.Concat(settings).Select(s => new KeyValuePair<string, string?>(s.Item1, s.Item2)));
        // What the default chain would find in production; registered first, so AddAwsAdapters keeps it.
        builder.Services.AddSingleton<AWSCredentials>(TestAwsKeys.SdkCredentials());
        builder.AddPortal();
        // The embedding cache is DynamoDB on AWS; this test is about Bedrock, so the cache is the embedded one (registered last, it wins).
        builder.Services.AddSingleton<IImageEmbeddingStore>(sp => new SqliteImageEmbeddingStore(
            System.IO.Path.Combine(_folder.Path, "sales.db"), sp.GetRequiredService<TimeProvider>()));
        return builder.Build();
    }
}
