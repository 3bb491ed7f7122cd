using Portal.Core.Sales;
using Portal.Infrastructure.Aws.Bedrock;

namespace Portal.Infrastructure.Tests.Aws.Bedrock;

public sealed class NovaQualityAnswerTests
{
    [Fact]
    public void StrictAnswerIsRead()
    {
        var answer = NovaQualityAnswer.TryParse("""{"score": 0.42, "condition": "like_new", "defects": ["pilling", "  ", "loose thread"]}""", out var problem);

        Assert.Null(problem);
        Assert.NotNull(answer);
        Assert.Equal(0.42, answer.Score);
        Assert.Equal(ItemCondition.LikeNew, answer.Condition);
        Assert.Equal(["pilling", "loose thread"], answer.Defects);
    }

    [Fact]
    public void LongDefectListIsCappedAndLongDefectsShortened()
    {
        var defects = string.Join(", ", Enumerable.Range(0, 20).Select(i => $"\"{new string('x', 200)}{i}\""));

        var answer = NovaQualityAnswer.TryParse($$"""{"score": 0.5, "condition": "good", "defects": [{{defects}}]}""", out _);

        Assert.NotNull(answer);
        Assert.Equal(NovaQualityAnswer.MaxDefects, answer.Defects.Count);
        Assert.All(answer.Defects, d => Assert.True(d.Length <= NovaQualityAnswer.MaxDefectLength + 1));
    }

    [Theory]
    [InlineData(null, "empty answer")]
    [InlineData("   ", "empty answer")]
    [InlineData("The photos look fine.", "no JSON object")]
    [InlineData("{\"score\": 0.5, \"condition\": \"good\", \"defects\": [}", "does not parse")]
    [InlineData("{\"condition\": \"good\", \"defects\": []}", "'score' is missing")]
    [InlineData("{\"score\": -0.1, \"condition\": \"good\", \"defects\": []}", "outside 0..1")]
    [InlineData("{\"score\": 0.5, \"condition\": \"excellent\", \"defects\": []}", "'condition' is not one of")]
    [InlineData("{\"score\": 0.5, \"condition\": \"good\"}", "'defects' is missing")]
    [InlineData("{\"score\": 0.5, \"condition\": \"good\", \"defects\": \"none\"}", "'defects' is not an array")]
    [InlineData("{\"score\": 0.5, \"condition\": \"good\", \"defects\": [3]}", "other than text")]
    public void UnusableAnswerIsRefusedWithItsProblem(string? text, string expected)
    {
        var answer = NovaQualityAnswer.TryParse(text, out var problem);

        Assert.Null(answer);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }
}
