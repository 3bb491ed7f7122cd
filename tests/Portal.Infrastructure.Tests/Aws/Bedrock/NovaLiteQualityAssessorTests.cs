using Microsoft.Extensions.Options;
using Portal.Core.Images;
using Portal.Core.Pricing.Engine;
using Portal.Core.Pricing.Similarity;
using Portal.Core.Sales;
using Portal.Infrastructure.Aws.Bedrock;
using Portal.Infrastructure.Formats.Imaging;
using Portal.Testing.Aws.Bedrock;

namespace Portal.Infrastructure.Tests.Aws.Bedrock;

public sealed class NovaLiteQualityAssessorTests(FakeBedrockFixture fixture) : IClassFixture<FakeBedrockFixture>
{
    private const string FallbackPrefix = LocalQualityAssessor.AssessorName + " (fallback: Nova Lite ";
    private readonly FakeBedrockServer _bedrock = fixture.Reset();

    [Fact]
    public async Task ValidAnswerBecomesTheAssessmentWithConditionAndDefects()
    {
        using var services = new BedrockTestServices(_bedrock.ServiceUrl);

        var assessment = await services.Get<IQualityAssessor>().AssessAsync(Photos(), CancellationToken.None);

        Assert.Equal("Nova Lite (amazon.nova-lite-v1:0)", assessment.Assessor);
        Assert.Equal(0.8, assessment.Score);
        Assert.Equal(LocalQualityAssessor.ToMultiplier(0.8), assessment.Multiplier);
        Assert.Equal(["condition estimate: very_good", "small scuff on the left toe"], assessment.Findings);
        var sent = _bedrock.Calls[^1];
        Assert.Equal(FakeBedrockServer.NovaModelId, sent.ModelId);
        Assert.Equal(2, sent.Images.Count);
    }

    [Fact]
    public async Task AnswerWrappedInProseAndACodeFenceIsStillRead()
    {
        using var services = new BedrockTestServices(_bedrock.ServiceUrl);
        _bedrock.NovaAnswerText = "Here is my assessment:\n```json\n{\"score\": 0.35, \"condition\": \"fair\", \"defects\": []}\n```\nHope this helps.";

        var assessment = await services.Get<IQualityAssessor>().AssessAsync(Photos(), CancellationToken.None);

        Assert.Equal("Nova Lite (amazon.nova-lite-v1:0)", assessment.Assessor);
        Assert.Equal(0.35, assessment.Score);
        Assert.Equal(["condition estimate: fair"], assessment.Findings);
    }

    [Theory]
    [InlineData("I'm sorry, I can't assess these photos.", "no JSON object")]
    [InlineData("{\"score\": 1.7, \"condition\": \"good\", \"defects\": []}", "outside 0..1")]
    [InlineData("{\"score\": 0.6, \"condition\": \"mint\", \"defects\": []}", "'condition'")]
    [InlineData("{\"score\": \"high\", \"condition\": \"good\", \"defects\": []}", "'score'")]
    [InlineData("", "empty answer")]
    public async Task UnusableAnswerFallsBackToTheLocalAssessorAndSaysSo(string answer, string problem)
    {
        using var services = new BedrockTestServices(_bedrock.ServiceUrl);
        _bedrock.NovaAnswerText = answer;
        var photos = Photos();
        var local = await services.Get<LocalQualityAssessor>().AssessAsync(photos, CancellationToken.None);

        var assessment = await services.Get<IQualityAssessor>().AssessAsync(photos, CancellationToken.None);

        Assert.StartsWith(FallbackPrefix + "gave an unusable answer (", assessment.Assessor, StringComparison.Ordinal);
        Assert.Contains(problem, assessment.Assessor, StringComparison.Ordinal);
        Assert.Equal(local.Score, assessment.Score);
        Assert.Equal(local.Multiplier, assessment.Multiplier);
        Assert.Contains(assessment.Findings, f => f.StartsWith("Nova Lite gave an unusable answer", StringComparison.Ordinal) && f.EndsWith("local assessment used", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SlowAnswerTimesOutAndFallsBackToTheLocalAssessor()
    {
        using var services = new BedrockTestServices(_bedrock.ServiceUrl, new Dictionary<string, string?> { ["Aws:Bedrock:QualityTimeout"] = "00:00:00.300" });
        _bedrock.NovaDelay = TimeSpan.FromMinutes(1);

        var assessment = await services.Get<IQualityAssessor>().AssessAsync(Photos(), CancellationToken.None);

        Assert.Equal(FallbackPrefix + "timed out)", assessment.Assessor);
        Assert.Contains("Nova Lite timed out; local assessment used", assessment.Findings);
    }

    [Fact]
    public async Task FallbackIsNamedInTheReasonsThePriceWorkbenchShows()
    {
        using var services = new BedrockTestServices(_bedrock.ServiceUrl, new Dictionary<string, string?> { ["Aws:Bedrock:QualityTimeout"] = "00:00:00.300" });
        _bedrock.NovaDelay = TimeSpan.FromMinutes(1);
        var quality = await services.Get<IQualityAssessor>().AssessAsync(Photos(), CancellationToken.None);
        const string model = "amazon.titan-embed-image-v1:1024";
        var tenant = new TenantId("shop");
        var now = TimeProvider.System.GetUtcNow();
        var query = FakeBedrockServer.VectorFor([1, 2, 3], 1024);
        var index = new InMemorySalesIndex();
        for (var i = 0; i < 5; i++)
        {
            var near = FakeBedrockServer.VectorFor([(byte)i], 1024).Zip(query, (noise, q) => q + (0.1f * noise)).ToArray();
            index.Add(new SaleRecord
            {
                Tenant = tenant, ProductId = $"p{i}", SaleId = $"s{i}", Category = "shoes", Condition = ItemCondition.Good,
                SoldPrice = 50m + i, Currency = "EUR", SoldAt = now.AddDays(-3 - i),
            }, new StoredEmbedding(model, near));
        }

        var pricing = new PricingOptions { MinSimilarityByModel = { ["amazon.titan-embed-image-v1"] = 0.7 } };
        var result = new VisualSimilarityPricingEngine(index, Options.Create(pricing), TimeProvider.System).Calculate(new PricingQuery
        {
            Tenant = tenant, Category = "shoes", Condition = ItemCondition.Good, EmbeddingModel = model, Embedding = query, Quality = quality,
        });

        Assert.True(result.IsPriced, result.CannotPriceReason);
        Assert.Null(result.Suggestion!.Fallback);
        Assert.Equal(5, result.Suggestion.Comparables.Count);
        Assert.Contains(result.Suggestion.Explanation, line => line.Contains("by local-image-statistics (fallback: Nova Lite timed out)", StringComparison.Ordinal));
        Assert.Contains("Nova Lite timed out; local assessment used", result.Suggestion.Adjustments.QualityFindings);
    }

    [Fact]
    public async Task ThrottlingBeyondTheRetriesFallsBackAndNamesTheError()
    {
        using var services = new BedrockTestServices(_bedrock.ServiceUrl, new Dictionary<string, string?> { ["Aws:Bedrock:MaxRetries"] = "1" });
        _bedrock.ThrottleNext(3);

        var assessment = await services.Get<IQualityAssessor>().AssessAsync(Photos(), CancellationToken.None);

        _bedrock.ThrottleNext(0);
        Assert.Equal(FallbackPrefix + "failed (ThrottlingException))", assessment.Assessor);
    }

    [Fact]
    public async Task ThrottledOnceIsRetriedAndAnswered()
    {
        using var services = new BedrockTestServices(_bedrock.ServiceUrl);
        _bedrock.ThrottleNext(1);

        var assessment = await services.Get<IQualityAssessor>().AssessAsync(Photos(), CancellationToken.None);

        Assert.Equal("Nova Lite (amazon.nova-lite-v1:0)", assessment.Assessor);
    }

    [Fact]
    public async Task InferenceProfileIdIsUsedAsTheModel()
    {
        using var services = new BedrockTestServices(_bedrock.ServiceUrl, new Dictionary<string, string?> { ["Aws:Bedrock:QualityModelId"] = "eu.amazon.nova-lite-v1:0" });

        var assessment = await services.Get<IQualityAssessor>().AssessAsync(Photos(), CancellationToken.None);

        Assert.Equal("Nova Lite (eu.amazon.nova-lite-v1:0)", assessment.Assessor);
        Assert.Equal("/model/eu.amazon.nova-lite-v1%3A0/invoke", _bedrock.Calls[^1].RawPath);
    }

    [Fact]
    public async Task CallerCancellationIsNotTakenForATimeout()
    {
        using var services = new BedrockTestServices(_bedrock.ServiceUrl);
        _bedrock.NovaDelay = TimeSpan.FromMinutes(1);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => services.Get<IQualityAssessor>().AssessAsync(Photos(), cancellation.Token));
    }

    private static ImageUpload[] Photos() =>
    [
        TitanImageEmbeddingGeneratorTests.Upload(TitanImageEmbeddingGeneratorTests.Jpeg(640, 480, seed: 21), 640, 480),
        TitanImageEmbeddingGeneratorTests.Upload(TitanImageEmbeddingGeneratorTests.Jpeg(480, 640, seed: 22), 480, 640),
    ];
}
