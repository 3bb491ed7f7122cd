namespace Portal.Pricing.Engine;

/// <summary>
/// Ranges that mean what they say (split conformal): the log errors <c>ln(actual / suggested)</c> of the tenant's own
/// out-of-sample backtest, per confidence band, give each band's P10 and P90; a new suggestion's range is its price times
/// those errors' exponentials. So 80 % of sold prices fall inside, and a confident suggestion gets a narrow range.
/// </summary>
public sealed record RangeCalibration(IReadOnlyList<CalibrationBand> Bands, int Residuals)
{
    /// <summary>Fewer residuals than this per band and the bands merge; fewer in all and there is no calibration.</summary>
    public const int MinPerBand = 30;

    public static RangeCalibration? Fit(IReadOnlyList<(double Confidence, double LogError)> residuals, double lowQuantile, double highQuantile)
    {
        ArgumentNullException.ThrowIfNull(residuals);
        if (residuals.Count < MinPerBand)
        {
            return null;
        }

        var sorted = residuals.OrderBy(r => r.Confidence).ToArray();
        var bandCount = Math.Clamp(sorted.Length / MinPerBand, 1, 3);
        var bands = new CalibrationBand[bandCount];
        for (var b = 0; b < bandCount; b++)
        {
            var slice = sorted[(b * sorted.Length / bandCount)..((b + 1) * sorted.Length / bandCount)];
            var errors = slice.Select(r => r.LogError).ToArray();
            var equal = Enumerable.Repeat(1.0, errors.Length).ToArray();
            bands[b] = new CalibrationBand(
                MinConfidence: b == 0 ? double.NegativeInfinity : slice[0].Confidence,
                LowLogError: WeightedStatistics.Quantile(errors, equal, lowQuantile),
                HighLogError: WeightedStatistics.Quantile(errors, equal, highQuantile),
                N: slice.Length);
        }

        return new RangeCalibration(bands, sorted.Length);
    }

    /// <summary>The band a suggestion of this confidence falls in.</summary>
    public CalibrationBand BandFor(double confidence)
    {
        var band = Bands[0];
        foreach (var candidate in Bands)
        {
            if (confidence >= candidate.MinConfidence)
            {
                band = candidate;
            }
        }

        return band;
    }

    /// <summary>The calibrated range around <paramref name="price"/>; it always contains the price.</summary>
    public (double Low, double High) RangeFor(double price, double confidence)
    {
        var band = BandFor(confidence);
        return (Math.Min(price, price * Math.Exp(band.LowLogError)), Math.Max(price, price * Math.Exp(band.HighLogError)));
    }
}

/// <summary>One confidence band: from <see cref="MinConfidence"/> up, the log errors' low and high quantiles over <see cref="N"/> items.</summary>
public sealed record CalibrationBand(double MinConfidence, double LowLogError, double HighLogError, int N);
