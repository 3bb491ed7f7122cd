using SkiaSharp;

namespace Portal.Infrastructure.Tests.Imaging;

/// <summary>Test images made with SkiaSharp, and the shared clothing-small data set when it is present.</summary>
internal static class ImagingTestData
{
    public const string MissingDatasetMessage =
        "clothing-small not found: expected shared/datasets/clothing-small next to the repository.";

    private static readonly Lazy<string?> ClothingSmallDirectory = new(FindClothingSmall);

    public static string? ClothingSmall => ClothingSmallDirectory.Value;

    /// <summary>Walks up from the test's base directory until a folder holds <c>shared/datasets/clothing-small</c>.</summary>
    private static string? FindClothingSmall()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "datasets", "clothing-small");
            if (File.Exists(Path.Combine(candidate, "manifest.csv")))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>(path, label) rows of the manifest, in file order.</summary>
    public static IReadOnlyList<(string Path, string Label)> Manifest(string root) =>
        File.ReadLines(Path.Combine(root, "manifest.csv"))
            .Skip(1)
            .Select(line => line.Split(','))
            .Where(parts => parts.Length >= 2)
            .Select(parts => (Path.Combine(root, parts[0]), parts[1]))
            .ToList();

    /// <summary>A detailed, well-exposed scene: gradients, shapes, lines and text.</summary>
    public static SKBitmap Scene(int width, int height, int seed = 1)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bitmap);
        using (var background = new SKPaint())
        {
            background.Shader = SKShader.CreateLinearGradient(
                new SKPoint(0, 0), new SKPoint(width, height), [new SKColor(70, 110, 160), new SKColor(220, 200, 150)], SKShaderTileMode.Clamp);
            canvas.DrawRect(0, 0, width, height, background);
        }

        var random = new Random(seed);
        using var paint = new SKPaint { IsAntialias = true };
        for (var i = 0; i < 40; i++)
        {
            paint.Color = new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
            paint.Style = i % 2 == 0 ? SKPaintStyle.Fill : SKPaintStyle.Stroke;
            paint.StrokeWidth = 2 + random.Next(4);
            canvas.DrawCircle(random.Next(width), random.Next(height), 10 + random.Next(width / 6), paint);
        }

        paint.Style = SKPaintStyle.Stroke;
        paint.StrokeWidth = 1;
        paint.Color = SKColors.Black;
        for (var x = 0; x < width; x += 12)
        {
            canvas.DrawLine(x, 0, x + (height / 3), height, paint);
        }

        using var font = new SKFont(SKTypeface.Default, 28);
        paint.Style = SKPaintStyle.Fill;
        paint.Color = SKColors.White;
        canvas.DrawText("Pricing Portal 2026", 20, height / 2f, SKTextAlign.Left, font, paint);
        canvas.Flush();
        return bitmap;
    }

    public static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality = 90)
    {
        using var data = bitmap.Encode(format, quality);
        return data.ToArray();
    }

    public static byte[] Jpeg(int width = 320, int height = 240, int seed = 1)
    {
        using var bitmap = Scene(width, height, seed);
        return Encode(bitmap, SKEncodedImageFormat.Jpeg);
    }

    /// <summary>A real clothing photo when the data set is present, else a generated JPEG.</summary>
    public static byte[] RealOrGeneratedJpeg()
    {
        var root = ClothingSmall;
        return root is null ? Jpeg() : File.ReadAllBytes(Manifest(root)[0].Path);
    }

    public static byte[] Transform(byte[] encoded, Action<SKCanvas, SKBitmap> draw, int? width = null, int? height = null)
    {
        using var source = SKBitmap.Decode(encoded);
        var output = new SKBitmap(new SKImageInfo(width ?? source.Width, height ?? source.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(output))
        {
            canvas.Clear(SKColors.White);
            draw(canvas, source);
            canvas.Flush();
        }

        using (output)
        {
            return Encode(output, SKEncodedImageFormat.Jpeg, 92);
        }
    }

    public static byte[] FlipHorizontally(byte[] encoded) => Transform(encoded, (canvas, source) =>
    {
        canvas.Scale(-1, 1, source.Width / 2f, 0);
        canvas.DrawBitmap(source, 0, 0, new SKSamplingOptions(SKFilterMode.Linear), null);
    });

    /// <summary>Crops <paramref name="fraction"/> off every side and scales back up.</summary>
    public static byte[] CropCenter(byte[] encoded, float fraction) => Transform(encoded, (canvas, source) =>
    {
        var dx = source.Width * fraction;
        var dy = source.Height * fraction;
        using var image = SKImage.FromBitmap(source);
        canvas.DrawImage(image, new SKRect(dx, dy, source.Width - dx, source.Height - dy), new SKRect(0, 0, source.Width, source.Height),
            new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None), null);
    });

    public static byte[] BlurAndDarken(byte[] encoded, float sigma, float brightness) => Transform(encoded, (canvas, source) =>
    {
        using var paint = new SKPaint();
        paint.ImageFilter = SKImageFilter.CreateBlur(sigma, sigma);
        paint.ColorFilter = SKColorFilter.CreateColorMatrix(
        [
            brightness, 0, 0, 0, 0,
            0, brightness, 0, 0, 0,
            0, 0, brightness, 0, 0,
            0, 0, 0, 1, 0,
        ]);
        canvas.DrawBitmap(source, 0, 0, new SKSamplingOptions(SKFilterMode.Linear), paint);
    });

    /// <summary>A minimal GIF: header, logical screen descriptor, a 2-colour table, one 1×1 frame and the trailer.</summary>
    public static byte[] Gif(int width, int height)
    {
        var bytes = new List<byte>();
        bytes.AddRange("GIF89a"u8.ToArray());
        bytes.AddRange([(byte)width, (byte)(width >> 8), (byte)height, (byte)(height >> 8), 0x80, 0, 0]);
        bytes.AddRange([0, 0, 0, 255, 255, 255]);
        bytes.AddRange([0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0]);
        bytes.AddRange([0x02, 0x02, 0x44, 0x01, 0x00]);
        bytes.Add(0x3B);
        return [.. bytes];
    }

    /// <summary>A RIFF/WEBP file whose only chunk is <paramref name="fourCc"/> with <paramref name="payload"/>.</summary>
    public static byte[] WebP(string fourCc, byte[] payload)
    {
        var chunkSize = payload.Length;
        var padded = chunkSize + (chunkSize % 2);
        var riffSize = 4 + 8 + padded;
        var bytes = new List<byte>();
        bytes.AddRange("RIFF"u8.ToArray());
        bytes.AddRange(BitConverter.GetBytes(riffSize));
        bytes.AddRange("WEBP"u8.ToArray());
        bytes.AddRange(System.Text.Encoding.ASCII.GetBytes(fourCc));
        bytes.AddRange(BitConverter.GetBytes(chunkSize));
        bytes.AddRange(payload);
        if (padded != chunkSize)
        {
            bytes.Add(0);
        }

        return [.. bytes];
    }

    /// <summary>PNG signature and an IHDR chunk only, claiming the given size.</summary>
    public static byte[] PngHeaderOnly(uint width, uint height)
    {
        var bytes = new List<byte> { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13 };
        bytes.AddRange("IHDR"u8.ToArray());
        bytes.AddRange(BigEndian(width));
        bytes.AddRange(BigEndian(height));
        bytes.AddRange([8, 2, 0, 0, 0]);
        bytes.AddRange([0, 0, 0, 0]); // CRC, not checked
        return [.. bytes];
    }

    private static byte[] BigEndian(uint value) => [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value];
}
