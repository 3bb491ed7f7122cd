using Portal.Core.Pricing.Similarity;

namespace Portal.Core.Tests.Similarity;

public sealed class VectorMathTests
{
    [Fact]
    public void NormalizeReturnsUnitLengthCopyAndLeavesInputAlone()
    {
        float[] input = [3f, 4f];

        var result = VectorMath.Normalize(input);

        Assert.Equal([0.6f, 0.8f], result);
        Assert.Equal([3f, 4f], input);
    }

    [Fact]
    public void NormalizeRejectsZeroVector() =>
        Assert.Throws<ArgumentException>(() => VectorMath.Normalize(new float[4]));

    [Fact]
    public void NormalizeRejectsEmptyVector() =>
        Assert.Throws<ArgumentException>(() => VectorMath.Normalize(ReadOnlySpan<float>.Empty));

    [Fact]
    public void AverageOfPhotosIsNormalisedMean()
    {
        var result = VectorMath.Average([[1f, 0f], [0f, 1f]]);

        Assert.Equal(MathF.Sqrt(0.5f), result[0], 6);
        Assert.Equal(MathF.Sqrt(0.5f), result[1], 6);
    }

    [Fact]
    public void AverageOfOnePhotoIsThatPhoto() =>
        Assert.Equal([0.6f, 0.8f], VectorMath.Average([[0.6f, 0.8f]]));

    [Fact]
    public void AverageRejectsNoVectorsMixedDimensionsAndCancellingVectors()
    {
        Assert.Throws<ArgumentException>(() => VectorMath.Average([]));
        Assert.Throws<ArgumentException>(() => VectorMath.Average([[1f, 0f], [1f, 0f, 0f]]));
        Assert.Throws<ArgumentException>(() => VectorMath.Average([[1f, 0f], [-1f, 0f]]));
    }

    [Fact]
    public void CosineIgnoresLengthAndRangesFromMinusOneToOne()
    {
        Assert.Equal(1f, VectorMath.Cosine([1f, 2f], [2f, 4f]), 6);
        Assert.Equal(-1f, VectorMath.Cosine([1f, 2f], [-1f, -2f]), 6);
        Assert.Equal(0f, VectorMath.Cosine([1f, 0f], [0f, 3f]), 6);
    }

    [Fact]
    public void CosineRejectsDifferentDimensionsAndZeroVectors()
    {
        Assert.Throws<ArgumentException>(() => VectorMath.Cosine([1f, 0f], [1f, 0f, 0f]));
        Assert.Throws<ArgumentException>(() => VectorMath.Cosine([1f, 0f], [0f, 0f]));
    }
}
