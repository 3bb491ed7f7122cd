using System.Security.Cryptography;
using Portal.Core.Images;
using Portal.Infrastructure.Formats.Imaging;
using SkiaSharp;

namespace Portal.Infrastructure.Tests.Imaging;

public sealed class ImageInspectorTests
{
    private readonly ImageInspector inspector = new();

    [Fact]
    public void AcceptsJpegWithDimensionsFromHeaderAndLowercaseSha256()
    {
        var jpeg = ImagingTestData.Jpeg(320, 200);

        var result = inspector.Inspect(jpeg);

        Assert.True(result.IsValid, result.Reason);
        Assert.Equal("image/jpeg", result.Image!.ContentType);
        Assert.Equal((320, 200), (result.Image.Width, result.Image.Height));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(jpeg)), result.Image.Sha256);
        Assert.Matches("^[0-9a-f]{64}$", result.Image.Sha256);
    }

    [Fact]
    public void AcceptsRealJpegPhoto()
    {
        var jpeg = ImagingTestData.RealOrGeneratedJpeg();
        using var bitmap = SKBitmap.Decode(jpeg);

        var result = inspector.Inspect(jpeg);

        Assert.True(result.IsValid, result.Reason);
        Assert.Equal((bitmap.Width, bitmap.Height), (result.Image!.Width, result.Image.Height));
    }

    [Theory]
    [InlineData(SKEncodedImageFormat.Png, "image/png")]
    [InlineData(SKEncodedImageFormat.Webp, "image/webp")]
    public void AcceptsSkiaEncodedImages(SKEncodedImageFormat format, string contentType)
    {
        using var bitmap = ImagingTestData.Scene(150, 90);
        var bytes = ImagingTestData.Encode(bitmap, format);

        var result = inspector.Inspect(bytes);

        Assert.True(result.IsValid, result.Reason);
        Assert.Equal(contentType, result.Image!.ContentType);
        Assert.Equal((150, 90), (result.Image.Width, result.Image.Height));
    }

    [Fact]
    public void ReadsLosslessWebPHeader()
    {
        // VP8L: signature 0x2F, then width-1 and height-1 in 14 bits each.
        uint bits = (300 - 1) | ((200 - 1) << 14);
        byte[] payload = [0x2F, (byte)bits, (byte)(bits >> 8), (byte)(bits >> 16), (byte)(bits >> 24), 0, 0, 0];

        var result = inspector.Inspect(ImagingTestData.WebP("VP8L", payload));

        Assert.True(result.IsValid, result.Reason);
        Assert.Equal((300, 200), (result.Image!.Width, result.Image.Height));
    }

    [Fact]
    public void ReadsExtendedWebPHeader()
    {
        // VP8X: flags, 3 reserved bytes, 24-bit canvas width-1 and height-1.
        byte[] payload = [0x10, 0, 0, 0, 0x1F, 0x03, 0x00, 0x57, 0x02, 0x00];

        var result = inspector.Inspect(ImagingTestData.WebP("VP8X", payload));

        Assert.True(result.IsValid, result.Reason);
        Assert.Equal((800, 600), (result.Image!.Width, result.Image.Height));
    }

    [Fact]
    public void AcceptsGifFromLogicalScreen()
    {
        var result = inspector.Inspect(ImagingTestData.Gif(640, 480));

        Assert.True(result.IsValid, result.Reason);
        Assert.Equal("image/gif", result.Image!.ContentType);
        Assert.Equal((640, 480), (result.Image.Width, result.Image.Height));
    }

    [Fact]
    public void RejectsEmpty() =>
        Assert.Equal(ImageRejection.Empty, inspector.Inspect(ReadOnlyMemory<byte>.Empty).Rejection);

    [Fact]
    public void RejectsOneByteOverTenMegabytes()
    {
        var bytes = new byte[(10 * 1024 * 1024) + 1];
        bytes[0] = 0xFF;
        bytes[1] = 0xD8;
        bytes[2] = 0xFF;

        var result = inspector.Inspect(bytes);

        Assert.Equal(ImageRejection.TooLarge, result.Rejection);
        Assert.Null(result.Image);
    }

    [Fact]
    public void RejectsTextFileNamedLikeAJpeg()
    {
        var path = Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.jpg");
        File.WriteAllText(path, "This is not a photo, whatever the extension says.\n");
        try
        {
            Assert.Equal(ImageRejection.NotAnImage, inspector.Inspect(File.ReadAllBytes(path)).Rejection);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void RejectsTruncatedJpegAsCorrupt()
    {
        var jpeg = ImagingTestData.RealOrGeneratedJpeg();

        var result = inspector.Inspect(jpeg.AsMemory(0, jpeg.Length * 2 / 3));

        Assert.Equal(ImageRejection.Corrupt, result.Rejection);
    }

    [Fact]
    public void AcceptsJpegWithTrailingZeroPadding()
    {
        var jpeg = ImagingTestData.Jpeg();

        var result = inspector.Inspect(jpeg.Concat(new byte[16]).ToArray());

        Assert.True(result.IsValid, result.Reason);
    }

    [Fact]
    public void RejectsPngHeaderClaimingTenThousandByFiveThousandPixelsWithoutDecoding()
    {
        // Only the signature and IHDR: any decode attempt would fail, so TooManyPixels proves the header decided.
        var result = inspector.Inspect(ImagingTestData.PngHeaderOnly(10_000, 5_000));

        Assert.Equal(ImageRejection.TooManyPixels, result.Rejection);
    }

    [Fact]
    public void RejectsImagesSmallerThanMinimumSide()
    {
        var result = inspector.Inspect(ImagingTestData.Jpeg(20, 20));

        Assert.Equal(ImageRejection.Corrupt, result.Rejection);
        Assert.Contains("at least 32", result.Reason);
    }

    [Fact]
    public void HonoursCustomLimits()
    {
        var strict = new ImageInspector(new ImageLimits { MaxBytes = 100, MaxPixels = 1000, MinSide = 1 });

        Assert.Equal(ImageRejection.TooLarge, strict.Inspect(ImagingTestData.Jpeg()).Rejection);
        Assert.Equal(ImageRejection.TooManyPixels, strict.Inspect(ImagingTestData.PngHeaderOnly(100, 11)).Rejection);
    }

    [Fact]
    public void RejectsEveryTruncatedPrefixOfARealJpegWithoutThrowing()
    {
        var jpeg = ImagingTestData.RealOrGeneratedJpeg();

        for (var length = 1; length < jpeg.Length; length++)
        {
            var result = inspector.Inspect(jpeg.AsMemory(0, length));
            Assert.False(result.IsValid, $"prefix of {length} of {jpeg.Length} bytes was accepted");
        }
    }

    [Fact]
    public void NeverThrowsOnRandomBytes()
    {
        var random = new Random(20261128);
        byte[][] magics = [[], [0xFF, 0xD8, 0xFF], [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "RIFF\0\0\0\0WEBP"u8.ToArray(), "GIF89a"u8.ToArray()];
        var accepted = 0;
        for (var i = 0; i < 5000; i++)
        {
            var magic = magics[i % magics.Length];
            var bytes = new byte[magic.Length + random.Next(0, 200)];
            random.NextBytes(bytes);
            magic.CopyTo(bytes, 0);

            var result = inspector.Inspect(bytes);
            accepted += result.IsValid ? 1 : 0;
            Assert.Equal(result.IsValid, result.Image is not null);
        }

        // Random bodies may occasionally pass the header checks (the embedder's decode is the last line), but rarely.
        Assert.True(accepted < 100, $"{accepted} random inputs accepted");
    }

    [Fact]
    public void NeverThrowsOnJpegsWithCorruptSegmentLengths()
    {
        var jpeg = ImagingTestData.Jpeg();
        var random = new Random(7);
        for (var i = 0; i < 2000; i++)
        {
            var copy = (byte[])jpeg.Clone();
            for (var flips = 0; flips < 4; flips++)
            {
                copy[2 + random.Next(Math.Min(600, copy.Length - 2))] = (byte)random.Next(256);
            }

            _ = inspector.Inspect(copy);
        }
    }
}
