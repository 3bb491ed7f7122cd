using Portal.Core.Pricing.Engine;

namespace Portal.Core.Tests.Engine;

public sealed class RangeCalibrationTests
{
    [Fact]
    public void TooFewResidualsGiveNoCalibration() =>
        Assert.Null(RangeCalibration.Fit(Enumerable.Repeat((0.5, 0.0), RangeCalibration.MinPerBand - 1).ToArray(), 0.8));

    [Fact]
    public void TheRangeHoldsTheAskedShareOfPastErrors()
    {
        var random = new Random(7);
        var residuals = Enumerable.Range(0, 3000).Select(_ => (Confidence: random.NextDouble(), LogError: Gaussian(random) * 0.5)).ToArray();
        var calibration = RangeCalibration.Fit(residuals, 0.8)!;

        var covered = residuals.Count(r =>
        {
            var (low, high) = calibration.RangeFor(100, r.Confidence);
            var actual = 100 * Math.Exp(r.LogError);
            return actual >= low && actual <= high;
        });

        Assert.Equal(3, calibration.Bands.Count);
        Assert.InRange(covered / 3000.0, 0.78, 0.82);
    }

    [Fact]
    public void ConfidentSuggestionsGetNarrowerRangesWhenTheirErrorsAreSmaller()
    {
        // Errors shrink as confidence grows.
        var random = new Random(3);
        var residuals = Enumerable.Range(0, 900).Select(_ =>
        {
            var confidence = random.NextDouble();
            return (confidence, Gaussian(random) * (1.2 - confidence));
        }).ToArray();
        var calibration = RangeCalibration.Fit(residuals, 0.8)!;

        var (lowLow, lowHigh) = calibration.RangeFor(100, 0.05);
        var (highLow, highHigh) = calibration.RangeFor(100, 0.95);
        Assert.True(highHigh - highLow < (lowHigh - lowLow) / 2, $"confident {highLow:0}–{highHigh:0} vs doubtful {lowLow:0}–{lowHigh:0}");
    }

    [Fact]
    public void MoreBandsSplitTheErrorsFinerWhenThereAreEnough()
    {
        var random = new Random(5);
        var residuals = Enumerable.Range(0, 300).Select(_ => (random.NextDouble(), Gaussian(random))).ToArray();

        Assert.Equal(RangeCalibration.DefaultBands, RangeCalibration.Fit(residuals, 0.8)!.Bands.Count);
        Assert.Equal(8, RangeCalibration.Fit(residuals, 0.8, maxBands: 8)!.Bands.Count);
        // 30 errors per band at least: 300 make 10 bands, not 20.
        Assert.Equal(10, RangeCalibration.Fit(residuals, 0.8, maxBands: 20)!.Bands.Count);
        Assert.Single(RangeCalibration.Fit(residuals, 0.8, maxBands: 1)!.Bands);
    }

    [Fact]
    public void SkewedErrorsGetTheNarrowestRangeNotTheCentralOne()
    {
        var residuals = Enumerable.Range(0, 200).Select(i => (0.5, Math.Log(0.2 + i * 0.02))).ToArray();
        var narrowest = RangeCalibration.Fit(residuals, 0.8)!;
        var (low, high) = narrowest.RangeFor(100, 0.5);

        // The central P10–P90 of these errors is 60–380 (width 320); the narrowest 80 % starts at the bottom.
        Assert.True(high - low < 320, $"{low:0}–{high:0}");
        Assert.InRange(low, 19, 21);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
