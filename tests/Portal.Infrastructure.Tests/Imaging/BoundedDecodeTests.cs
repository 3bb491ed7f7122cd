using Portal.Infrastructure.Demo;
using Portal.Infrastructure.Embedded.Imaging;
using Portal.Infrastructure.Formats.Imaging;
using SkiaSharp;

namespace Portal.Infrastructure.Tests.Imaging;

/// <summary>
/// A large photo is never decoded at full size: the embedder needs 224 px and the quality check 512 px, so a 36-megapixel
/// upload (inside the 40-megapixel limit) is decoded to a few hundred pixels a side, and embeds like a copy downscaled
/// beforehand.
/// </summary>
public sealed class BoundedDecodeTests(OnnxEmbedderFixture fixture) : IClassFixture<OnnxEmbedderFixture>
{
    private const int Side = 6000; // 36 megapixels

    private static readonly Lazy<SKBitmap> LargePhoto = new(() => Upscale(DemoSamples.ShoePhoto.ToArray(), Side, Side));

    private static readonly Lazy<byte[]> LargePng = new(() => ImagingTestData.Encode(LargePhoto.Value, SKEncodedImageFormat.Png));

    [Theory]
    [InlineData(SKEncodedImageFormat.Png)]
    [InlineData(SKEncodedImageFormat.Jpeg)]
    public void A36MegapixelPhotoDecodesToLessThanTwiceTheTarget(SKEncodedImageFormat format)
    {
        var encoded = format == SKEncodedImageFormat.Png ? LargePng.Value : ImagingTestData.Encode(LargePhoto.Value, format, 90);

        using var forEmbedding = SkiaImageDecoder.DecodeRaw(encoded, OnnxImageEmbedder.InputSize, out _);
        using var forQuality = SkiaImageDecoder.DecodeRaw(encoded, LocalQualityAssessor.AnalysisSide, out _, fitLongSide: true);

        Assert.NotNull(forEmbedding);
        Assert.InRange(Math.Min(forEmbedding.Width, forEmbedding.Height), OnnxImageEmbedder.InputSize, (2 * OnnxImageEmbedder.InputSize) - 1);
        Assert.NotNull(forQuality);
        Assert.InRange(Math.Max(forQuality.Width, forQuality.Height), LocalQualityAssessor.AnalysisSide, (2 * LocalQualityAssessor.AnalysisSide) - 1);
    }

    [Fact]
    public void ASampledDecodeKeepsTheAspectRatioAndTheColours()
    {
        using var wide = Upscale(DemoSamples.ShoePhoto.ToArray(), 4800, 2400);
        var png = ImagingTestData.Encode(wide, SKEncodedImageFormat.Png);

        using var decoded = SkiaImageDecoder.DecodeRaw(png, 224, out _);

        Assert.NotNull(decoded);
        Assert.Equal(2.0, (double)decoded.Width / decoded.Height, 2);
        // The centre pixel of the sampled decode is the mean of its block in the full image.
        var expected = wide.GetPixel(wide.Width / 2, wide.Height / 2);
        var actual = decoded.GetPixel(decoded.Width / 2, decoded.Height / 2);
        Assert.InRange(Math.Abs(expected.Red - actual.Red), 0, 12);
        Assert.InRange(Math.Abs(expected.Green - actual.Green), 0, 12);
        Assert.InRange(Math.Abs(expected.Blue - actual.Blue), 0, 12);
    }

    [Fact]
    public async Task A36MegapixelPngEmbedsLikeACopyDownscaledBeforehand()
    {
        var large = LargePng.Value;
        using var small = Downscale(LargePhoto.Value, 448);
        var smallPng = ImagingTestData.Encode(small, SKEncodedImageFormat.Png);

        var fromLarge = await fixture.Embedder.EmbedAsync(large, CancellationToken.None);
        var fromSmall = await fixture.Embedder.EmbedAsync(smallPng, CancellationToken.None);

        var cosine = fromLarge.Zip(fromSmall, (a, b) => (double)a * b).Sum();
        Assert.True(cosine > 0.995, $"cosine {cosine:0.0000}");
    }

    [Fact]
    public void ATruncatedLargePngIsNotDecoded()
    {
        var png = LargePng.Value;

        using var decoded = SkiaImageDecoder.DecodeRaw(png.AsSpan(0, png.Length / 2), 224, out _);

        Assert.Null(decoded);
    }

    [Theory]
    [InlineData(SKColorType.Rgba8888, SKAlphaType.Premul)]
    [InlineData(SKColorType.Rgba8888, SKAlphaType.Opaque)]
    [InlineData(SKColorType.Gray8, SKAlphaType.Opaque)]
    [InlineData(SKColorType.Rgba16161616, SKAlphaType.Premul)]
    public void TheSampledPngDecoderAgreesWithSkiaSharpPixelForPixel(SKColorType colourType, SKAlphaType alphaType)
    {
        // A photo with a translucent band, so alpha and premultiplication are exercised too.
        using var photo = Upscale(DemoSamples.ShoePhoto.ToArray(), 900, 600);
        using (var canvas = new SKCanvas(photo))
        using (var clear = new SKPaint { BlendMode = SKBlendMode.Src, Color = new SKColor(20, 120, 220, 90) })
        {
            canvas.DrawRect(0, 0, 900, 150, clear);
        }

        using var converted = new SKBitmap(new SKImageInfo(900, 600, colourType, alphaType));
        Assert.True(photo.CopyTo(converted, colourType));
        var png = ImagingTestData.Encode(converted, SKEncodedImageFormat.Png);
        Assert.True(PngSampledDecoder.CanDecode(png, out _, out _));
        using var whole = SKBitmap.Decode(png, new SKImageInfo(900, 600, SKColorType.Rgba8888, SKAlphaType.Premul));

        using var sampled = PngSampledDecoder.Decode(png, 1);
        using var quarter = PngSampledDecoder.Decode(png, 4);

        Assert.NotNull(sampled);
        Assert.NotNull(quarter);
        Assert.Equal((225, 150), (quarter.Width, quarter.Height));
        for (var y = 0; y < 600; y += 7)
        {
            for (var x = 0; x < 900; x += 5)
            {
                var expected = whole.GetPixel(x, y);
                var actual = sampled.GetPixel(x, y);
                Assert.True(Math.Abs(expected.Red - actual.Red) <= 2 && Math.Abs(expected.Green - actual.Green) <= 2
                    && Math.Abs(expected.Blue - actual.Blue) <= 2 && Math.Abs(expected.Alpha - actual.Alpha) <= 2,
                    $"({x}, {y}): SkiaSharp {expected}, sampled decoder {actual}");
            }
        }
    }

    private static SKBitmap Upscale(byte[] photo, int width, int height)
    {
        using var source = SKBitmap.Decode(photo);
        var output = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(output);
        using var image = SKImage.FromBitmap(source);
        canvas.DrawImage(image, new SKRect(0, 0, width, height), new SKSamplingOptions(SKCubicResampler.Mitchell), null);
        canvas.Flush();
        return output;
    }

    private static SKBitmap Downscale(SKBitmap source, int side)
    {
        var output = new SKBitmap(new SKImageInfo(side, side * source.Height / source.Width, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(output);
        using var image = SKImage.FromBitmap(source);
        canvas.DrawImage(image, new SKRect(0, 0, output.Width, output.Height), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear), null);
        canvas.Flush();
        return output;
    }
}
