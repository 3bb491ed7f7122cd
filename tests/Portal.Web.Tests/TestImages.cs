using SkiaSharp;

namespace Portal.Web.Tests;

/// <summary>Images made in code: a real JPEG, a PNG header that claims too many pixels, a truncated JPEG.</summary>
internal static class TestImages
{
    public static byte[] Jpeg(int width = 256, int height = 256, SKColor? color = null)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            using var paint = new SKPaint { Color = color ?? SKColors.SaddleBrown, IsAntialias = true };
            canvas.DrawRect(width * 0.15f, height * 0.4f, width * 0.7f, height * 0.35f, paint);
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }

    /// <summary>A valid PNG signature and IHDR announcing width × height, with no pixel data behind it.</summary>
    public static byte[] PngHeader(uint width, uint height)
    {
        var bytes = new List<byte> { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R' };
        bytes.AddRange(BigEndian(width));
        bytes.AddRange(BigEndian(height));
        bytes.AddRange([8, 2, 0, 0, 0, 0, 0, 0, 0]);
        return bytes.ToArray();
    }

    private static byte[] BigEndian(uint value) => [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value];
}
