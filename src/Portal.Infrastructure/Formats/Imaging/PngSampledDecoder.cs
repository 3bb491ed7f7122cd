using System.Buffers.Binary;
using System.IO.Compression;
using SkiaSharp;

namespace Portal.Infrastructure.Formats.Imaging;

/// <summary>
/// Decodes a PNG row by row and keeps only the mean of each sample × sample block, so a 36-megapixel upload never exists
/// at full size in memory: SkiaSharp's PNG codec has neither scaled nor scanline decoding. Covers what photos are saved
/// as — non-interlaced, 8-bit grey, grey + alpha, RGB, RGBA and palette, 16-bit RGB and RGBA; anything else (interlaced,
/// 1–4-bit) is left to SkiaSharp's whole-image decode, which the upload's pixel limit bounds.
/// </summary>
internal static class PngSampledDecoder
{
    private const byte Grey = 0, Rgb = 2, Palette = 3, GreyAlpha = 4, Rgba = 6;

    private static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Whether this decoder handles the PNG; false sends it to SkiaSharp.</summary>
    public static bool CanDecode(ReadOnlySpan<byte> png, out int width, out int height)
    {
        width = height = 0;
        if (!png.StartsWith(Signature) || png.Length < 33 || !png.Slice(12, 4).SequenceEqual("IHDR"u8))
        {
            return false;
        }

        width = BinaryPrimitives.ReadInt32BigEndian(png[16..]);
        height = BinaryPrimitives.ReadInt32BigEndian(png[20..]);
        var depth = png[24];
        var colourType = png[25];
        var interlaced = png[28] != 0;
        var supported = colourType switch
        {
            Grey or GreyAlpha or Palette => depth == 8,
            Rgb or Rgba => depth is 8 or 16,
            _ => false,
        };
        return supported && !interlaced && width > 0 && height > 0;
    }

    /// <summary>The sampled image (width and height divided by <paramref name="sample"/>), or null when the data is truncated or corrupt.</summary>
    public static SKBitmap? Decode(ReadOnlySpan<byte> png, int sample)
    {
        if (!CanDecode(png, out var width, out var height) || sample < 1)
        {
            return null;
        }

        var depth = png[24];
        var colourType = png[25];
        var channels = colourType switch { Grey or Palette => 1, GreyAlpha => 2, Rgb => 3, _ => 4 };
        var bytesPerPixel = channels * depth / 8;
        var stride = (long)width * bytesPerPixel;
        if (stride > int.MaxValue / 4)
        {
            return null;
        }

        // Palette (RGBA per entry, opaque unless tRNS says otherwise) and the compressed rows.
        var palette = new byte[256 * 4];
        for (var i = 0; i < 256; i++)
        {
            palette[(i * 4) + 3] = 255;
        }

        using var compressed = new MemoryStream();
        var position = 8;
        var ended = false;
        while (position + 12 <= png.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png[position..]);
            if (length < 0 || position + 12L + length > png.Length)
            {
                return null;
            }

            var type = png.Slice(position + 4, 4);
            var payload = png.Slice(position + 8, length);
            if (type.SequenceEqual("IDAT"u8))
            {
                compressed.Write(payload);
            }
            else if (type.SequenceEqual("PLTE"u8))
            {
                for (var i = 0; i < Math.Min(256, length / 3); i++)
                {
                    palette[i * 4] = payload[i * 3];
                    palette[(i * 4) + 1] = payload[(i * 3) + 1];
                    palette[(i * 4) + 2] = payload[(i * 3) + 2];
                }
            }
            else if (type.SequenceEqual("tRNS"u8) && colourType == Palette)
            {
                for (var i = 0; i < Math.Min(256, length); i++)
                {
                    palette[(i * 4) + 3] = payload[i];
                }
            }
            else if (type.SequenceEqual("IEND"u8))
            {
                ended = true;
                break;
            }

            position += 12 + length;
        }

        if (!ended || compressed.Length == 0)
        {
            return null;
        }

        compressed.Position = 0;
        var outputWidth = width / sample;
        var outputHeight = height / sample;
        if (outputWidth == 0 || outputHeight == 0)
        {
            return null;
        }

        var output = new SKBitmap(new SKImageInfo(outputWidth, outputHeight, SKColorType.Rgba8888, SKAlphaType.Premul));
        try
        {
            using var rows = new ZLibStream(compressed, CompressionMode.Decompress);
            if (!SampleRows(rows, output, (int)stride, bytesPerPixel, colourType, depth, palette, sample))
            {
                output.Dispose();
                return null;
            }
        }
        catch (InvalidDataException)
        {
            output.Dispose();
            return null;
        }

        output.NotifyPixelsChanged();
        return output;
    }

    private static bool SampleRows(Stream rows, SKBitmap output, int stride, int bytesPerPixel, byte colourType, byte depth, byte[] palette, int sample)
    {
        var outputWidth = output.Width;
        var previous = new byte[stride];
        var current = new byte[stride];
        var sums = new uint[outputWidth * 4];
        var area = (uint)(sample * sample);
        var pixels = output.GetPixelSpan();
        var filter = new byte[1];
        var usedWidth = outputWidth * sample;
        for (var y = 0; y < output.Height * sample; y++)
        {
            if (rows.ReadAtLeast(filter, 1, throwOnEndOfStream: false) != 1
                || rows.ReadAtLeast(current, stride, throwOnEndOfStream: false) != stride
                || !Unfilter(filter[0], current, previous, bytesPerPixel))
            {
                return false;
            }

            for (var x = 0; x < usedWidth; x++)
            {
                var p = x * bytesPerPixel;
                byte r, g, b, a;
                switch (colourType)
                {
                    case Grey:
                        r = g = b = current[p];
                        a = 255;
                        break;
                    case GreyAlpha:
                        r = g = b = current[p];
                        a = current[p + 1];
                        break;
                    case Palette:
                        var entry = current[p] * 4;
                        (r, g, b, a) = (palette[entry], palette[entry + 1], palette[entry + 2], palette[entry + 3]);
                        break;
                    case Rgb:
                        var step = depth / 8; // 16-bit samples: the high byte
                        (r, g, b, a) = (current[p], current[p + step], current[p + (2 * step)], 255);
                        break;
                    default:
                        var width = depth / 8;
                        (r, g, b, a) = (current[p], current[p + width], current[p + (2 * width)], current[p + (3 * width)]);
                        break;
                }

                var s = x / sample * 4;
                sums[s] += (uint)((r * a) + 127) / 255;
                sums[s + 1] += (uint)((g * a) + 127) / 255;
                sums[s + 2] += (uint)((b * a) + 127) / 255;
                sums[s + 3] += a;
            }

            (previous, current) = (current, previous);
            if (y % sample == sample - 1)
            {
                var outputRow = pixels.Slice(y / sample * output.RowBytes, outputWidth * 4);
                for (var i = 0; i < outputRow.Length; i++)
                {
                    outputRow[i] = (byte)((sums[i] + (area / 2)) / area);
                }

                Array.Clear(sums);
            }
        }

        return true;
    }

    /// <summary>Reverses one row's PNG filter in place (<paramref name="previous"/> is the row above, already unfiltered).</summary>
    private static bool Unfilter(byte filter, Span<byte> row, ReadOnlySpan<byte> previous, int bytesPerPixel)
    {
        switch (filter)
        {
            case 0:
                return true;
            case 1:
                for (var i = bytesPerPixel; i < row.Length; i++)
                {
                    row[i] += row[i - bytesPerPixel];
                }

                return true;
            case 2:
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] += previous[i];
                }

                return true;
            case 3:
                for (var i = 0; i < row.Length; i++)
                {
                    var left = i >= bytesPerPixel ? row[i - bytesPerPixel] : 0;
                    row[i] += (byte)((left + previous[i]) / 2);
                }

                return true;
            case 4:
                for (var i = 0; i < row.Length; i++)
                {
                    int left = i >= bytesPerPixel ? row[i - bytesPerPixel] : 0;
                    int up = previous[i];
                    int upLeft = i >= bytesPerPixel ? previous[i - bytesPerPixel] : 0;
                    var estimate = left + up - upLeft;
                    var toLeft = Math.Abs(estimate - left);
                    var toUp = Math.Abs(estimate - up);
                    var toUpLeft = Math.Abs(estimate - upLeft);
                    row[i] += (byte)(toLeft <= toUp && toLeft <= toUpLeft ? left : toUp <= toUpLeft ? up : upLeft);
                }

                return true;
            default:
                return false;
        }
    }
}
