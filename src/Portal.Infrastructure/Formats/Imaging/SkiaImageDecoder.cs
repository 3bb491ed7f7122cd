using System.Runtime.InteropServices;
using SkiaSharp;

namespace Portal.Infrastructure.Formats.Imaging;

/// <summary>How an image is brought to the square the embedding model expects.</summary>
public enum ImageFit
{
    /// <summary>Resize the whole image to the square, ignoring the aspect ratio.</summary>
    Squash,

    /// <summary>Resize the short side to the square and crop the centre.</summary>
    CenterCrop,
}

/// <summary>
/// Decodes with SkiaSharp into RGBA pixels: never holds a large photo at full size (scaled and sampled decoding, see
/// <see cref="DecodeRaw"/>), applies the EXIF
/// orientation, composites transparency over white and resamples to the requested size.
/// </summary>
internal static class SkiaImageDecoder
{
    private static readonly SKSamplingOptions Sampling = new(SKFilterMode.Linear, SKMipmapMode.Linear);

    /// <summary>Decodes and resizes to exactly <paramref name="size"/>×<paramref name="size"/>; null when the data cannot be decoded.</summary>
    public static SKBitmap? DecodeSquare(ReadOnlySpan<byte> content, int size, ImageFit fit, double cropFraction = 1.0)
    {
        using var decoded = DecodeRaw(content, size, out var origin);
        if (decoded is null)
        {
            return null;
        }

        var (orientedWidth, orientedHeight) = OrientedSize(decoded.Width, decoded.Height, origin);
        var source = fit == ImageFit.CenterCrop
            ? CenterSquare(orientedWidth, orientedHeight, cropFraction)
            : new SKRect(0, 0, orientedWidth, orientedHeight);
        return Render(decoded, origin, source, size, size);
    }

    /// <summary>Decodes with the longest side at most <paramref name="maxSide"/> (aspect kept); null when the data cannot be decoded.</summary>
    public static SKBitmap? DecodeFitting(ReadOnlySpan<byte> content, int maxSide)
    {
        using var decoded = DecodeRaw(content, maxSide, out var origin, fitLongSide: true);
        if (decoded is null)
        {
            return null;
        }

        var (orientedWidth, orientedHeight) = OrientedSize(decoded.Width, decoded.Height, origin);
        var scale = Math.Min(1.0, (double)maxSide / Math.Max(orientedWidth, orientedHeight));
        var width = Math.Max(1, (int)Math.Round(orientedWidth * scale));
        var height = Math.Max(1, (int)Math.Round(orientedHeight * scale));
        return Render(decoded, origin, new SKRect(0, 0, orientedWidth, orientedHeight), width, height);
    }

    /// <summary>
    /// Decodes at the smallest size whose short side (or long side, <paramref name="fitLongSide"/>) is still at least
    /// <paramref name="target"/>, never at the full size of a large photo: the codec scales while decoding where it can
    /// (JPEG in 1/8 steps, WebP freely), and what is still more than twice the target (a JPEG beyond 1/8, a PNG through
    /// <see cref="PngSampledDecoder"/>) is read row by row and averaged over sample × sample blocks, so only a band of rows
    /// is ever held at full width.
    /// </summary>
    internal static SKBitmap? DecodeRaw(ReadOnlySpan<byte> content, int target, out SKEncodedOrigin origin, bool fitLongSide = false)
    {
        origin = SKEncodedOrigin.TopLeft;
        if (content.IsEmpty)
        {
            return null;
        }

        using var data = SKData.CreateCopy(content);
        using var codec = SKCodec.Create(data);
        if (codec is null)
        {
            return null;
        }

        origin = codec.EncodedOrigin;
        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0)
        {
            return null;
        }

        // Let the codec downscale while decoding, but never below the target.
        var side = fitLongSide ? Math.Max(info.Width, info.Height) : Math.Min(info.Width, info.Height);
        var size = new SKSizeI(info.Width, info.Height);
        if (side > target)
        {
            var scaled = codec.GetScaledDimensions((float)target / side);
            var scaledSide = fitLongSide ? Math.Max(scaled.Width, scaled.Height) : Math.Min(scaled.Width, scaled.Height);
            if (scaled.Width > 0 && scaled.Height > 0 && scaledSide >= target)
            {
                size = scaled;
                side = scaledSide;
            }
        }

        var decodeInfo = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        var sample = target > 0 ? side / target : 1;
        if (sample >= 2 && codec.ScanlineOrder == SKCodecScanlineOrder.TopDown
            && codec.StartScanlineDecode(decodeInfo) == SKCodecResult.Success)
        {
            return DecodeSampled(codec, decodeInfo, sample);
        }

        if (sample >= 2 && codec.EncodedFormat == SKEncodedImageFormat.Png && PngSampledDecoder.CanDecode(content, out _, out _))
        {
            return PngSampledDecoder.Decode(content, sample);
        }

        // What is left (GIF, interlaced or 1–4-bit PNG) decodes whole; the upload's pixel limit bounds it.
        var bitmap = new SKBitmap(decodeInfo);
        var result = codec.GetPixels(decodeInfo, bitmap.GetPixels());
        if (result != SKCodecResult.Success)
        {
            bitmap.Dispose();
            return null;
        }

        return bitmap;
    }

    /// <summary>
    /// Reads the started scanline decode <paramref name="sample"/> rows at a time and writes each
    /// <paramref name="sample"/> × <paramref name="sample"/> block's mean (premultiplied RGBA averages correctly) as one pixel.
    /// </summary>
    private static SKBitmap? DecodeSampled(SKCodec codec, SKImageInfo decodeInfo, int sample)
    {
        var width = decodeInfo.Width / sample;
        var height = decodeInfo.Height / sample;
        var rowBytes = decodeInfo.RowBytes;
        // Pinned, so the native decoder can write into it between calls.
        var band = GC.AllocateArray<byte>(rowBytes * sample, pinned: true);
        var bandAddress = Marshal.UnsafeAddrOfPinnedArrayElement(band, 0);
        var sums = new uint[width * 4];
        var area = (uint)(sample * sample);
        var output = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var pixels = output.GetPixelSpan();
        var outputRowBytes = output.RowBytes;
        for (var y = 0; y < height; y++)
        {
            if (codec.GetScanlines(bandAddress, sample, rowBytes) != sample)
            {
                // Truncated or corrupt data: like a whole decode that does not succeed.
                output.Dispose();
                return null;
            }

            Array.Clear(sums);
            for (var row = 0; row < sample; row++)
            {
                var line = band.AsSpan(row * rowBytes, width * sample * 4);
                for (int x = 0, p = 0; x < width; x++)
                {
                    var s = x * 4;
                    for (var k = 0; k < sample; k++, p += 4)
                    {
                        sums[s] += line[p];
                        sums[s + 1] += line[p + 1];
                        sums[s + 2] += line[p + 2];
                        sums[s + 3] += line[p + 3];
                    }
                }
            }

            var outputRow = pixels.Slice(y * outputRowBytes, width * 4);
            for (var i = 0; i < outputRow.Length; i++)
            {
                outputRow[i] = (byte)((sums[i] + (area / 2)) / area);
            }
        }

        output.NotifyPixelsChanged();
        return output;
    }

    private static (int Width, int Height) OrientedSize(int width, int height, SKEncodedOrigin origin) =>
        SwapsAxes(origin) ? (height, width) : (width, height);

    private static bool SwapsAxes(SKEncodedOrigin origin) => origin is SKEncodedOrigin.LeftTop
        or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;

    private static SKRect CenterSquare(int width, int height, double fraction)
    {
        var side = (float)(Math.Min(width, height) * Math.Clamp(fraction, 0.5, 1.0));
        var left = (width - side) / 2f;
        var top = (height - side) / 2f;
        return new SKRect(left, top, left + side, top + side);
    }

    /// <summary>Maps raw pixel coordinates to displayed ones for each EXIF orientation.</summary>
    private static SKMatrix OrientationMatrix(SKEncodedOrigin origin, int w, int h) => origin switch
    {
        SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, w, 0, 1, 0, 0, 0, 1),
        SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, w, 0, -1, h, 0, 0, 1),
        SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, h, 0, 0, 1),
        SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),
        SKEncodedOrigin.RightTop => new SKMatrix(0, -1, h, 1, 0, 0, 0, 0, 1),
        SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, h, -1, 0, w, 0, 0, 1),
        SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, w, 0, 0, 1),
        _ => SKMatrix.Identity,
    };

    private static SKBitmap Render(SKBitmap decoded, SKEncodedOrigin origin, SKRect source, int width, int height)
    {
        var output = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(output);
        canvas.Clear(SKColors.White);

        var orient = OrientationMatrix(origin, decoded.Width, decoded.Height);
        var fit = SKMatrix.CreateScale(width / source.Width, height / source.Height)
            .PreConcat(SKMatrix.CreateTranslation(-source.Left, -source.Top));
        canvas.SetMatrix(fit.PreConcat(orient));

        canvas.DrawBitmap(decoded, 0, 0, Sampling, null);
        canvas.Flush();
        return output;
    }
}
