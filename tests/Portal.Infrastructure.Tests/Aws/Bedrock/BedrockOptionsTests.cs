using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Core.Images;
using Portal.Core.Pricing.Engine;
using Portal.Core.Validation;
using Portal.Infrastructure.Aws.Bedrock;

namespace Portal.Infrastructure.Tests.Aws.Bedrock;

public sealed class BedrockOptionsTests
{
    [Theory]
    [InlineData("Aws:Bedrock:EmbeddingDimension", "512")]
    [InlineData("Aws:Bedrock:ServiceUrl", "not a url")]
    [InlineData("Aws:Bedrock:Timeout", "00:00:01")]
    [InlineData("Aws:Bedrock:AttemptTimeout", "00:00:00")]
    [InlineData("Aws:Bedrock:QualityTimeout", "-00:00:01")]
    [InlineData("Aws:Bedrock:QualityModelId", "../../admin")]
    [InlineData("Aws:Bedrock:EmbeddingModelId", "")]
    [InlineData("Aws:Bedrock:MaxImageSide", "4096")]
    [InlineData("Aws:Bedrock:MaxImageBytes", "10")]
    [InlineData("Aws:Bedrock:MaxRetries", "50")]
    public void InvalidSettingIsRefusedWithAMessageNamingItsKey(string key, string value)
    {
        using var services = new BedrockTestServices("http://127.0.0.1:9", new Dictionary<string, string?> { [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => services.Get<IOptions<BedrockOptions>>().Value);

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultsAreValidAndPointAtTitanAndNovaLite()
    {
        using var services = new BedrockTestServices("http://127.0.0.1:9");

        var options = services.Get<IOptions<BedrockOptions>>().Value;

        Assert.Equal("amazon.titan-embed-image-v1:1024", options.RecordedEmbeddingModelId);
        Assert.Equal("amazon.nova-lite-v1:0", options.QualityModelId);
        Assert.IsType<TitanImageEmbeddingGenerator>(services.Get<IEmbeddingGenerator<DataContent, Embedding<float>>>());
        Assert.IsType<NovaLiteQualityAssessor>(services.Get<IQualityAssessor>());
    }

    [Fact]
    public void SwitchedOffAdaptersLeaveThePortsToTheEmbeddedDefaults()
    {
        using var services = new BedrockTestServices("http://127.0.0.1:9", new Dictionary<string, string?>
        {
            ["Aws:Bedrock:UseForEmbeddings"] = "false",
            ["Aws:Bedrock:UseForQuality"] = "false",
        });

        Assert.Null(services.Provider.GetService<IEmbeddingGenerator<DataContent, Embedding<float>>>());
        Assert.Null(services.Provider.GetService<IQualityAssessor>());
        // Still there for `portal reembed --model titan`.
        Assert.NotNull(services.Provider.GetService<TitanImageEmbeddingGenerator>());
    }

    [Fact]
    public void TitanIdsWithTheirLengthUseTheBaseModelsThresholdAndDimensions()
    {
        var pricing = new PricingOptions { MinSimilarityByModel = { ["amazon.titan-embed-image-v1"] = 0.7, ["resnet18-onnx-v1"] = 0.5 }, DefaultMinSimilarity = 0.4 };

        Assert.Equal(0.7, pricing.MinSimilarityFor("amazon.titan-embed-image-v1:1024"));
        Assert.Equal(0.7, pricing.MinSimilarityFor("amazon.titan-embed-image-v1:256"));
        Assert.Equal(0.5, pricing.MinSimilarityFor("resnet18-onnx-v1"));
        Assert.Equal(0.4, pricing.MinSimilarityFor("some-model:v2"));
        var dimensions = new ValidationOptions().EffectiveEmbeddingDimensions();
        Assert.Equal([384], dimensions["amazon.titan-embed-image-v1:384"]);
    }
}
