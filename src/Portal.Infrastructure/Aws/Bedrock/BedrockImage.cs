using Portal.Infrastructure.Formats.Imaging;
using SkiaSharp;

namespace Portal.Infrastructure.Aws.Bedrock;

/// <summary>An image as it is sent to Bedrock: its bytes, their format (<c>jpeg</c> or <c>png</c>) and size.</summary>
public sealed record BedrockImage(byte[] Bytes, string Format, int Width, int Height, bool Reencoded)
{
    private const int JpegQuality = 88;

    /// <summary>
    /// Keeps a JPEG or PNG that fits (long side ≤ <paramref name="maxSide"/>, ≤ <paramref name="maxBytes"/>) as it is; otherwise
    /// decodes it (EXIF orientation applied), resizes the long side to at most <paramref name="maxSide"/> and re-encodes it as JPEG,
    /// shrinking further until it fits the byte limit. Throws <see cref="InvalidDataException"/> when it is not a readable image.
    /// </summary>
    public static BedrockImage Prepare(ReadOnlyMemory<byte> content, int maxSide, int maxBytes)
    {
        using (var data = SKData.CreateCopy(content.Span))
        using (var codec = SKCodec.Create(data))
        {
            if (codec is null || codec.Info.Width <= 0 || codec.Info.Height <= 0)
            {
                throw new InvalidDataException("The image could not be decoded (not a supported image, or truncated or corrupt data).");
            }

            var format = codec.EncodedFormat switch
            {
                SKEncodedImageFormat.Jpeg => "jpeg",
                SKEncodedImageFormat.Png => "png",
                _ => null,
            };
            var width = codec.Info.Width;
            var height = codec.Info.Height;
            if (format is not null && Math.Max(width, height) <= maxSide && content.Length <= maxBytes && codec.EncodedOrigin == SKEncodedOrigin.TopLeft)
            {
                return new BedrockImage(content.ToArray(), format, width, height, Reencoded: false);
            }
        }

        var side = maxSide;
        while (true)
        {
            using var bitmap = SkiaImageDecoder.DecodeFitting(content.Span, side)
                ?? throw new InvalidDataException("The image could not be decoded (not a supported image, or truncated or corrupt data).");
            using var encoded = bitmap.Encode(SKEncodedImageFormat.Jpeg, JpegQuality);
            var bytes = encoded.ToArray();
            if (bytes.Length <= maxBytes || side <= 256)
            {
                return new BedrockImage(bytes, "jpeg", bitmap.Width, bitmap.Height, Reencoded: true);
            }

            // Bytes grow with the area: shrink the side by the square root of the excess, and a little more.
            side = Math.Max(256, (int)(side * Math.Sqrt((double)maxBytes / bytes.Length) * 0.95));
        }
    }
}
