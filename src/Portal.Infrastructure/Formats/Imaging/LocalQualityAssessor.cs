using Portal.Core.Images;
using SkiaSharp;

namespace Portal.Infrastructure.Formats.Imaging;

/// <summary>
/// Photo quality from image statistics, no model: sharpness (variance of a Laplacian on luminance), exposure
/// (mean luminance and clipped shares), contrast (luminance standard deviation) and resolution (short side).
/// Each image is decoded once, downscaled to at most 512 px. The score is the mean over the images; the price
/// multiplier stays in a narrow band (<see cref="MinMultiplier"/>..<see cref="MaxMultiplier"/>): bad photos sell
/// for less, but a photo must not swing the price. Deterministic.
/// </summary>
public sealed class LocalQualityAssessor : IQualityAssessor
{
    public const string AssessorName = "local-image-statistics";
    public const double MinMultiplier = 0.90;
    public const double MaxMultiplier = 1.02;

    internal const int AnalysisSide = 512;

    // Thresholds, calibrated on clothing-small (real product photos) and synthetic blurred/darkened copies.
    internal const double BlurryBelow = 40;      // Laplacian variance
    internal const double SharpAbove = 250;
    internal const double DarkBelow = 70;        // mean luminance 0..255
    internal const double BrightAbove = 225;
    internal const double ClippedShareLimit = 0.6; // share of pixels at the ends of the range, beyond a plain background
    internal const double LowContrastBelow = 25;  // luminance standard deviation
    internal const int LowResolutionBelow = 400;  // short side, pixels
    internal const int GoodResolution = 800;

    public Task<QualityAssessment> AssessAsync(IReadOnlyList<ImageUpload> images, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0)
        {
            // Nothing to judge: no adjustment.
            return Task.FromResult(new QualityAssessment(0, 1.0, ["no images"], AssessorName));
        }

        var findings = new SortedSet<string>(StringComparer.Ordinal);
        double total = 0;
        foreach (var image in images)
        {
            cancellationToken.ThrowIfCancellationRequested();
            total += AssessOne(image, findings);
        }

        var score = Math.Round(total / images.Count, 4);
        return Task.FromResult(new QualityAssessment(score, ToMultiplier(score), [.. findings], AssessorName));
    }

    /// <summary>Maps a score in [0, 1] linearly onto the multiplier band: 1 → 1.02, about 0.83 → 1.00, 0.42 or less → 0.95 or less.</summary>
    public static double ToMultiplier(double score) =>
        Math.Round(MinMultiplier + ((MaxMultiplier - MinMultiplier) * Math.Clamp(score, 0, 1)), 4);

    internal static double AssessOne(ImageUpload image, ISet<string> findings)
    {
        using var bitmap = SkiaImageDecoder.DecodeFitting(image.Content.Span, AnalysisSide);
        if (bitmap is null)
        {
            findings.Add("unreadable");
            return 0;
        }

        var stats = ImageStatistics.Measure(bitmap);
        var minSide = Math.Min(image.Width, image.Height);

        var sharpness = LogRamp(stats.LaplacianVariance, BlurryBelow / 2, SharpAbove);
        if (stats.LaplacianVariance < BlurryBelow)
        {
            findings.Add("blurry");
        }

        double exposure = 1;
        if (stats.MeanLuminance < DarkBelow || stats.DarkShare > ClippedShareLimit)
        {
            findings.Add("dark");
            exposure = Math.Min(Ramp(stats.MeanLuminance, 20, DarkBelow), Ramp(1 - stats.DarkShare, 0.2, 1 - ClippedShareLimit));
        }
        else if (stats.MeanLuminance > BrightAbove && stats.BrightShare > ClippedShareLimit)
        {
            findings.Add("overexposed");
            exposure = Ramp(255 - stats.MeanLuminance, 5, 255 - BrightAbove);
        }

        var contrast = Ramp(stats.LuminanceStdDev, LowContrastBelow / 2, LowContrastBelow * 2);
        if (stats.LuminanceStdDev < LowContrastBelow)
        {
            findings.Add("low contrast");
        }

        var resolution = Ramp(minSide, LowResolutionBelow / 2.0, GoodResolution);
        if (minSide < LowResolutionBelow)
        {
            findings.Add("low resolution");
        }

        return (0.35 * sharpness) + (0.30 * exposure) + (0.15 * contrast) + (0.20 * resolution);
    }

    private static double Ramp(double value, double zeroAt, double oneAt) =>
        Math.Clamp((value - zeroAt) / (oneAt - zeroAt), 0, 1);

    private static double LogRamp(double value, double zeroAt, double oneAt) =>
        value <= zeroAt ? 0 : Ramp(Math.Log(value), Math.Log(zeroAt), Math.Log(oneAt));
}

/// <summary>Luminance statistics of one decoded image.</summary>
internal readonly record struct ImageStatistics(
    double MeanLuminance,
    double LuminanceStdDev,
    double LaplacianVariance,
    double DarkShare,
    double BrightShare)
{
    public static ImageStatistics Measure(SKBitmap bitmap)
    {
        var width = bitmap.Width;
        var height = bitmap.Height;
        var pixels = bitmap.GetPixelSpan();
        var luminance = new float[width * height];
        double sum = 0;
        double sumSquares = 0;
        long dark = 0;
        long bright = 0;
        for (int i = 0, p = 0; i < luminance.Length; i++, p += 4)
        {
            var y = (0.299f * pixels[p]) + (0.587f * pixels[p + 1]) + (0.114f * pixels[p + 2]);
            luminance[i] = y;
            sum += y;
            sumSquares += y * y;
            if (y <= 16)
            {
                dark++;
            }
            else if (y >= 250)
            {
                bright++;
            }
        }

        var count = (double)luminance.Length;
        var mean = sum / count;
        var variance = Math.Max(0, (sumSquares / count) - (mean * mean));

        // 4-neighbour Laplacian over the interior.
        double lapSum = 0;
        double lapSquares = 0;
        long lapCount = 0;
        for (var y = 1; y < height - 1; y++)
        {
            var row = y * width;
            for (var x = 1; x < width - 1; x++)
            {
                var i = row + x;
                double lap = (4 * luminance[i]) - luminance[i - 1] - luminance[i + 1] - luminance[i - width] - luminance[i + width];
                lapSum += lap;
                lapSquares += lap * lap;
                lapCount++;
            }
        }

        var lapVariance = 0.0;
        if (lapCount > 0)
        {
            var lapMean = lapSum / lapCount;
            lapVariance = Math.Max(0, (lapSquares / lapCount) - (lapMean * lapMean));
        }

        return new ImageStatistics(mean, Math.Sqrt(variance), lapVariance, dark / count, bright / count);
    }
}
