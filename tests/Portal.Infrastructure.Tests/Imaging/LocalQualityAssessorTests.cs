using Portal.Core.Images;
using Portal.Infrastructure.Formats.Imaging;
using SkiaSharp;

namespace Portal.Infrastructure.Tests.Imaging;

public sealed class LocalQualityAssessorTests
{
    private readonly LocalQualityAssessor assessor = new();

    [Fact]
    public async Task SharpWellExposedPhotoScoresHigherThanItsBlurredDarkenedCopy()
    {
        var sharp = Upload(ImagingTestData.Jpeg(1000, 800));
        var poor = Upload(ImagingTestData.BlurAndDarken(sharp.Content.ToArray(), sigma: 6, brightness: 0.25f));

        var good = await assessor.AssessAsync([sharp], CancellationToken.None);
        var bad = await assessor.AssessAsync([poor], CancellationToken.None);

        Assert.True(good.Score > bad.Score, $"good {good.Score} vs bad {bad.Score}");
        Assert.Empty(good.Findings);
        Assert.Contains("blurry", bad.Findings);
        Assert.Contains("dark", bad.Findings);
        Assert.InRange(good.Multiplier, 0.99, 1.02);
        Assert.InRange(bad.Multiplier, 0.90, 0.95);
        Assert.Equal("local-image-statistics", good.Assessor);
    }

    [Fact]
    public async Task FlagsOverexposedAndLowContrastAndLowResolution()
    {
        using var bitmap = new SKBitmap(200, 150);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(new SKColor(253, 253, 253));
            using var paint = new SKPaint { Color = new SKColor(240, 240, 240) };
            canvas.DrawCircle(100, 75, 30, paint);
        }

        var result = await assessor.AssessAsync([Upload(ImagingTestData.Encode(bitmap, SKEncodedImageFormat.Png))], CancellationToken.None);

        Assert.Contains("overexposed", result.Findings);
        Assert.Contains("low contrast", result.Findings);
        Assert.Contains("low resolution", result.Findings);
        Assert.InRange(result.Multiplier, 0.90, 0.95);
    }

    [Fact]
    public async Task AveragesOverImagesAndIsDeterministic()
    {
        var sharp = Upload(ImagingTestData.Jpeg(1000, 800, seed: 2));
        var poor = Upload(ImagingTestData.BlurAndDarken(sharp.Content.ToArray(), sigma: 6, brightness: 0.25f));

        var good = await assessor.AssessAsync([sharp], CancellationToken.None);
        var bad = await assessor.AssessAsync([poor], CancellationToken.None);
        var both = await assessor.AssessAsync([sharp, poor], CancellationToken.None);
        var again = await assessor.AssessAsync([sharp, poor], CancellationToken.None);

        Assert.Equal((good.Score + bad.Score) / 2, both.Score, 3);
        Assert.Equal(both.Score, again.Score);
        Assert.Equal(both.Multiplier, again.Multiplier);
        Assert.Equal(both.Findings, again.Findings);
    }

    [Fact]
    public async Task NoImagesLeavesThePriceAlone()
    {
        var result = await assessor.AssessAsync([], CancellationToken.None);

        Assert.Equal(1.0, result.Multiplier);
        Assert.Contains("no images", result.Findings);
    }

    [Fact]
    public async Task UndecodableImageScoresZero()
    {
        var result = await assessor.AssessAsync([new ImageUpload("garbage"u8.ToArray(), "image/jpeg", 800, 600, new string('0', 64))], CancellationToken.None);

        Assert.Equal(0, result.Score);
        Assert.Equal(0.90, result.Multiplier);
        Assert.Contains("unreadable", result.Findings);
    }

    [Theory]
    [InlineData(0.0, 0.90)]
    [InlineData(1.0, 1.02)]
    [InlineData(5.0, 1.02)]
    public void MultiplierStaysInNarrowBand(double score, double expected) =>
        Assert.Equal(expected, LocalQualityAssessor.ToMultiplier(score), 4);

    private static ImageUpload Upload(byte[] bytes)
    {
        var inspection = new ImageInspector().Inspect(bytes);
        Assert.True(inspection.IsValid, inspection.Reason);
        return inspection.Image!;
    }
}
