using Portal.Core.Pricing.Engine;

namespace Portal.Core.Tests.Engine;

public sealed class WeightedStatisticsTests
{
    [Fact]
    public void EqualWeightsGiveTheUsualMedian()
    {
        Assert.Equal(2.5, WeightedStatistics.Quantile([4, 1, 3, 2], [1, 1, 1, 1], 0.5), 10);
        Assert.Equal(3, WeightedStatistics.Quantile([5, 1, 3], [1, 1, 1], 0.5), 10);
    }

    [Fact]
    public void QuantilesAreClampedToTheExtremes()
    {
        Assert.Equal(1, WeightedStatistics.Quantile([1, 2, 3], [1, 1, 1], 0.0));
        Assert.Equal(3, WeightedStatistics.Quantile([1, 2, 3], [1, 1, 1], 1.0));
    }

    [Fact]
    public void AHeavyWeightPullsTheMedian()
    {
        // Midpoints at 5/12 and 10.5/12: the median lies 1/11 of the way from 10 to 20 → 10 + 10/5.5.
        Assert.Equal(10 + 10 / 5.5, WeightedStatistics.Quantile([10, 20, 30], [10, 1, 1], 0.5), 10);
    }

    [Fact]
    public void MeanIsWeighted()
    {
        Assert.Equal(17.5, WeightedStatistics.Mean([10, 20], [1, 3]), 10);
    }

    [Fact]
    public void GeometricMeanIsWeightedInLogs()
    {
        // exp((ln 10 + 3 ln 1000) / 4) = 10^(10/4)
        Assert.Equal(Math.Pow(10, 2.5), WeightedStatistics.GeometricMean([10, 1000], [1, 3]), 6);
        // A far-off price pulls it less than it pulls the mean.
        Assert.True(WeightedStatistics.GeometricMean([100, 100, 10_000], [1, 1, 1]) < WeightedStatistics.Mean([100, 100, 10_000], [1, 1, 1]) / 5);
    }
}
