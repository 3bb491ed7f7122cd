using System.Buffers.Binary;
using System.Security.Cryptography;
using Portal.Core.Images;

namespace Portal.Infrastructure.Formats.Imaging;

/// <summary>
/// Validates an upload without decoding it: the format comes from the magic bytes, the dimensions from the header,
/// and the pixel limit is enforced before any decoder sees the data. Truncation is caught by a cheap structural check
/// of the file's end (JPEG EOI, PNG IEND, GIF trailer, RIFF size of WebP). Never throws on hostile input.
/// </summary>
public sealed class ImageInspector(ImageLimits limits) : IImageInspector
{
    private readonly ImageLimits limits = limits ?? throw new ArgumentNullException(nameof(limits));

    public ImageInspector()
        : this(new ImageLimits())
    {
    }

    public ImageInspection Inspect(ReadOnlyMemory<byte> content)
    {
        var bytes = content.Span;
        if (bytes.IsEmpty)
        {
            return Reject(ImageRejection.Empty, "The upload is empty.");
        }

        if (bytes.Length > limits.MaxBytes)
        {
            return Reject(ImageRejection.TooLarge, $"The upload is {bytes.Length} bytes; at most {limits.MaxBytes} are accepted.");
        }

        var format = ImageHeaders.DetectFormat(bytes);
        if (format == ImageFormat.Unknown)
        {
            return Reject(ImageRejection.NotAnImage, "The upload is not a JPEG, PNG, WebP or GIF image.");
        }

        if (!ImageHeaders.TryReadSize(format, bytes, out var width, out var height))
        {
            return Reject(ImageRejection.Corrupt, $"The {ImageHeaders.ContentType(format)} header is truncated or corrupt.");
        }

        if ((long)width * height > limits.MaxPixels)
        {
            return Reject(ImageRejection.TooManyPixels, $"The image is {width}×{height} pixels; at most {limits.MaxPixels} pixels are accepted.");
        }

        if (width < limits.MinSide || height < limits.MinSide)
        {
            // The port has no "too small" verdict; such an image is unusable, so it is reported as corrupt with a clear reason.
            return Reject(ImageRejection.Corrupt, $"The image is {width}×{height} pixels; each side must be at least {limits.MinSide} pixels.");
        }

        if (!ImageHeaders.HasCompleteEnding(format, bytes))
        {
            return Reject(ImageRejection.Corrupt, $"The {ImageHeaders.ContentType(format)} data is truncated.");
        }

        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        return new ImageInspection(ImageRejection.None, null, new ImageUpload(content, ImageHeaders.ContentType(format), width, height, sha256));
    }

    private static ImageInspection Reject(ImageRejection rejection, string reason) => new(rejection, reason, null);
}

internal enum ImageFormat
{
    Unknown,
    Jpeg,
    Png,
    WebP,
    Gif,
}

/// <summary>Magic bytes and header parsing; every read is bounds-checked.</summary>
internal static class ImageHeaders
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static ReadOnlySpan<byte> PngIendChunk => [0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82];

    public static string ContentType(ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => "image/jpeg",
        ImageFormat.Png => "image/png",
        ImageFormat.WebP => "image/webp",
        ImageFormat.Gif => "image/gif",
        _ => "application/octet-stream",
    };

    public static ImageFormat DetectFormat(ReadOnlySpan<byte> b)
    {
        if (b.Length >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF)
        {
            return ImageFormat.Jpeg;
        }

        if (b.StartsWith(PngSignature))
        {
            return ImageFormat.Png;
        }

        if (b.Length >= 12 && b[..4].SequenceEqual("RIFF"u8) && b.Slice(8, 4).SequenceEqual("WEBP"u8))
        {
            return ImageFormat.WebP;
        }

        if (b.StartsWith("GIF87a"u8) || b.StartsWith("GIF89a"u8))
        {
            return ImageFormat.Gif;
        }

        return ImageFormat.Unknown;
    }

    public static bool TryReadSize(ImageFormat format, ReadOnlySpan<byte> b, out int width, out int height)
    {
        width = 0;
        height = 0;
        var ok = format switch
        {
            ImageFormat.Jpeg => TryReadJpeg(b, out width, out height),
            ImageFormat.Png => TryReadPng(b, out width, out height),
            ImageFormat.WebP => TryReadWebP(b, out width, out height),
            ImageFormat.Gif => TryReadGif(b, out width, out height),
            _ => false,
        };
        return ok && width > 0 && height > 0;
    }

    /// <summary>Whether the data ends the way a complete file of that format does (trailing zero padding is allowed).</summary>
    public static bool HasCompleteEnding(ImageFormat format, ReadOnlySpan<byte> b)
    {
        switch (format)
        {
            case ImageFormat.Jpeg:
            {
                var end = TrimTrailingZeros(b);
                return end.Length >= 4 && end[^2] == 0xFF && end[^1] == 0xD9;
            }

            case ImageFormat.Png:
            {
                // IEND is the last chunk; allow a little trailing padding after it.
                var tail = b.Length > 64 ? b[^64..] : b;
                return tail.IndexOf(PngIendChunk) >= 0;
            }

            case ImageFormat.Gif:
            {
                var end = TrimTrailingZeros(b);
                return end.Length > 13 && end[^1] == 0x3B;
            }

            case ImageFormat.WebP:
            {
                var riffSize = BinaryPrimitives.ReadUInt32LittleEndian(b.Slice(4, 4));
                return riffSize >= 4 && riffSize + 8L <= b.Length;
            }

            default:
                return false;
        }
    }

    private static ReadOnlySpan<byte> TrimTrailingZeros(ReadOnlySpan<byte> b)
    {
        var length = b.Length;
        while (length > 0 && b[length - 1] == 0)
        {
            length--;
        }

        return b[..length];
    }

    private static bool TryReadPng(ReadOnlySpan<byte> b, out int width, out int height)
    {
        width = 0;
        height = 0;

        // Signature (8), chunk length (4), "IHDR" (4), 13 bytes of data, CRC (4).
        if (b.Length < 33
            || BinaryPrimitives.ReadUInt32BigEndian(b.Slice(8, 4)) != 13
            || !b.Slice(12, 4).SequenceEqual("IHDR"u8))
        {
            return false;
        }

        var w = BinaryPrimitives.ReadUInt32BigEndian(b.Slice(16, 4));
        var h = BinaryPrimitives.ReadUInt32BigEndian(b.Slice(20, 4));
        if (w == 0 || h == 0 || w > int.MaxValue || h > int.MaxValue)
        {
            return false;
        }

        width = (int)w;
        height = (int)h;
        return true;
    }

    private static bool TryReadGif(ReadOnlySpan<byte> b, out int width, out int height)
    {
        width = 0;
        height = 0;

        // Header (6) and logical screen descriptor (7).
        if (b.Length < 13)
        {
            return false;
        }

        width = BinaryPrimitives.ReadUInt16LittleEndian(b.Slice(6, 2));
        height = BinaryPrimitives.ReadUInt16LittleEndian(b.Slice(8, 2));
        return true;
    }

    private static bool TryReadWebP(ReadOnlySpan<byte> b, out int width, out int height)
    {
        width = 0;
        height = 0;
        if (b.Length < 20)
        {
            return false;
        }

        var chunk = b.Slice(12, 4);
        var data = b[20..];
        if (chunk.SequenceEqual("VP8 "u8))
        {
            // Frame tag (3), start code 9D 01 2A, then 14-bit width and height.
            if (data.Length < 10 || data[3] != 0x9D || data[4] != 0x01 || data[5] != 0x2A)
            {
                return false;
            }

            width = BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(6, 2)) & 0x3FFF;
            height = BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(8, 2)) & 0x3FFF;
            return true;
        }

        if (chunk.SequenceEqual("VP8L"u8))
        {
            // Signature 0x2F, then 14 bits width-1 and 14 bits height-1.
            if (data.Length < 5 || data[0] != 0x2F)
            {
                return false;
            }

            var bits = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(1, 4));
            width = (int)(bits & 0x3FFF) + 1;
            height = (int)((bits >> 14) & 0x3FFF) + 1;
            return true;
        }

        if (chunk.SequenceEqual("VP8X"u8))
        {
            // Flags (1), reserved (3), 24-bit canvas width-1 and height-1.
            if (data.Length < 10)
            {
                return false;
            }

            width = (data[4] | (data[5] << 8) | (data[6] << 16)) + 1;
            height = (data[7] | (data[8] << 8) | (data[9] << 16)) + 1;
            return true;
        }

        return false;
    }

    private static bool TryReadJpeg(ReadOnlySpan<byte> b, out int width, out int height)
    {
        width = 0;
        height = 0;
        var i = 2; // after SOI
        while (i < b.Length)
        {
            if (b[i] != 0xFF)
            {
                return false; // a marker must start here
            }

            // Skip fill bytes.
            while (i < b.Length && b[i] == 0xFF)
            {
                i++;
            }

            if (i >= b.Length)
            {
                return false;
            }

            var marker = b[i];
            i++;

            // Standalone markers carry no length.
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7))
            {
                continue;
            }

            // End of image or start of scan before any frame header: no dimensions to be had.
            if (marker == 0xD9 || marker == 0xDA || marker == 0x00 || marker == 0xD8)
            {
                return false;
            }

            if (i + 2 > b.Length)
            {
                return false;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(b.Slice(i, 2));
            if (length < 2 || i + length > b.Length)
            {
                return false;
            }

            var isFrameHeader = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (isFrameHeader)
            {
                // Length (2), precision (1), height (2), width (2), component count (1).
                if (length < 8)
                {
                    return false;
                }

                height = BinaryPrimitives.ReadUInt16BigEndian(b.Slice(i + 3, 2));
                width = BinaryPrimitives.ReadUInt16BigEndian(b.Slice(i + 5, 2));
                return true;
            }

            i += length;
        }

        return false;
    }
}
