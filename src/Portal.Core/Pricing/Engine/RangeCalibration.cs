namespace Portal.Core.Pricing.Engine;

/// <summary>
/// Ranges that mean what they say (split conformal): the log errors <c>ln(actual / suggested)</c> of the tenant's own
/// out-of-sample backtest, per confidence band, give each band's P10 and P90; a new suggestion's range is its price times
/// those errors' exponentials. So 80 % of sold prices fall inside, and a confident suggestion gets a narrow range.
/// </summary>
public sealed record RangeCalibration(IReadOnlyList<CalibrationBand> Bands, int Residuals, double Coverage)
{
    /// <summary>Fewer residuals than this per band and the bands merge; fewer in all and there is no calibration.</summary>
    public const int MinPerBand = 30;

    /// <summary>Confidence bands at most, each of equal size, when there are enough residuals.</summary>
    public const int DefaultBands = 3;

    /// <summary>
    /// Per band, the narrowest range (relative to the price) holding <paramref name="coverage"/> of the errors: prices are skewed,
    /// so the narrowest range is not the central one.
    /// </summary>
    public static RangeCalibration? Fit(IReadOnlyList<(double Confidence, double LogError)> residuals, double coverage, int maxBands = DefaultBands)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBands, 1);
        ArgumentNullException.ThrowIfNull(residuals);
        if (residuals.Count < MinPerBand)
        {
            return null;
        }

        var sorted = residuals.OrderBy(r => r.Confidence).ToArray();
        var bandCount = Math.Clamp(sorted.Length / MinPerBand, 1, maxBands);
        var slices = new List<List<(double Confidence, double LogError)>>();
        for (var b = 0; b < bandCount; b++)
        {
            var slice = sorted[(b * sorted.Length / bandCount)..((b + 1) * sorted.Length / bandCount)];
            if (slices.Count > 0 && slice[0].Confidence <= slices[^1][0].Confidence)
            {
                // Tied confidences (every median fallback has the same cap) cannot tell bands apart: one band holds them.
                slices[^1].AddRange(slice);
            }
            else
            {
                slices.Add([.. slice]);
            }
        }

        var bands = new CalibrationBand[slices.Count];
        for (var b = 0; b < slices.Count; b++)
        {
            var errors = slices[b].Select(r => r.LogError).ToArray();
            var (low, high) = Narrowest(errors, coverage);
            bands[b] = new CalibrationBand(
                MinConfidence: b == 0 ? double.NegativeInfinity : slices[b][0].Confidence,
                LowLogError: low,
                HighLogError: high,
                N: errors.Length);
        }

        return new RangeCalibration(bands, sorted.Length, coverage);
    }

    private static (double Low, double High) Narrowest(double[] logErrors, double coverage)
    {
        var equal = Enumerable.Repeat(1.0, logErrors.Length).ToArray();
        var best = (Low: 0.0, High: 0.0, Width: double.MaxValue);
        for (var start = 0.0; start <= 1 - coverage + 1e-9; start += 0.005)
        {
            var low = WeightedStatistics.Quantile(logErrors, equal, start);
            var high = WeightedStatistics.Quantile(logErrors, equal, Math.Min(1, start + coverage));
            var width = Math.Exp(high) - Math.Exp(low);
            if (width < best.Width)
            {
                best = (low, high, width);
            }
        }

        return (best.Low, best.High);
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
