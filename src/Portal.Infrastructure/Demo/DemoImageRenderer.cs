using SkiaSharp;

namespace Portal.Infrastructure.Demo;

/// <summary>Draws a product photo for a demo style: the category's silhouette in the brand's palette with the style's pattern.</summary>
internal static class DemoImageRenderer
{
    public const int Size = 256;

    public sealed record Look(string Category, SKColor Primary, SKColor Secondary, string Pattern, bool Hardware, SKColor HardwareColor);

    public static byte[] Render(Look look, int variant)
    {
        var random = new Random(HashCode.Combine(look.Category, look.Primary.ToString(), look.Pattern, variant) & 0x7fffffff);
        using var surface = SKSurface.Create(new SKImageInfo(Size, Size, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        var tint = (byte)(235 + random.Next(0, 18));
        canvas.Clear(new SKColor(tint, tint, (byte)Math.Min(255, tint + random.Next(-8, 8))));

        canvas.Save();
        canvas.Translate(Size / 2f + random.Next(-10, 10), Size / 2f + random.Next(-10, 10));
        canvas.RotateDegrees(random.Next(-8, 8));
        var scale = 0.9f + (float)random.NextDouble() * 0.15f;
        canvas.Scale(scale);
        canvas.Translate(-Size / 2f, -Size / 2f);

        using var shape = Silhouette(look.Category);
        using (var fill = new SKPaint { Color = look.Primary, IsAntialias = true, Style = SKPaintStyle.Fill })
        {
            canvas.DrawPath(shape, fill);
        }

        canvas.Save();
        canvas.ClipPath(shape, antialias: true);
        DrawPattern(canvas, look);
        canvas.Restore();

        using (var outline = new SKPaint { Color = look.Primary.WithAlpha(255).Darker(), IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 3 })
        {
            canvas.DrawPath(shape, outline);
        }

        if (look.Hardware)
        {
            DrawHardware(canvas, look);
        }

        canvas.Restore();
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 88);
        return data.ToArray();
    }

    private static SKColor Darker(this SKColor color) =>
        new((byte)(color.Red * 0.6), (byte)(color.Green * 0.6), (byte)(color.Blue * 0.6));

    private static SKPath Silhouette(string category)
    {
        using var path = new SKPathBuilder();
        switch (category)
        {
            case "shoes":
                path.MoveTo(40, 170);
                path.LineTo(40, 120);
                path.QuadTo(60, 95, 100, 110);
                path.LineTo(150, 140);
                path.QuadTo(215, 145, 220, 175);
                path.LineTo(220, 190);
                path.LineTo(40, 190);
                path.Close();
                break;
            case "bags":
                path.MoveTo(60, 110);
                path.LineTo(196, 110);
                path.LineTo(216, 210);
                path.LineTo(40, 210);
                path.Close();
                path.AddRoundRect(new SKRect(90, 60, 166, 118), 30, 30, SKPathDirection.Clockwise);
                path.AddRoundRect(new SKRect(102, 72, 154, 118), 20, 20, SKPathDirection.CounterClockwise);
                break;
            case "dresses":
                path.MoveTo(100, 40);
                path.LineTo(156, 40);
                path.LineTo(150, 100);
                path.LineTo(210, 220);
                path.LineTo(46, 220);
                path.LineTo(106, 100);
                path.Close();
                break;
            case "jackets":
                path.MoveTo(90, 40);
                path.LineTo(166, 40);
                path.LineTo(226, 90);
                path.LineTo(206, 150);
                path.LineTo(186, 120);
                path.LineTo(186, 220);
                path.LineTo(70, 220);
                path.LineTo(70, 120);
                path.LineTo(50, 150);
                path.LineTo(30, 90);
                path.Close();
                break;
            case "watches":
                path.AddRoundRect(new SKRect(108, 20, 148, 236), 10, 10, SKPathDirection.Clockwise);
                path.AddCircle(128, 128, 52, SKPathDirection.Clockwise);
                break;
            default: // jeans
                path.MoveTo(70, 30);
                path.LineTo(186, 30);
                path.LineTo(200, 230);
                path.LineTo(146, 230);
                path.LineTo(128, 100);
                path.LineTo(110, 230);
                path.LineTo(56, 230);
                path.Close();
                break;
        }

        return path.Detach();
    }

    private static void DrawPattern(SKCanvas canvas, Look look)
    {
        using var paint = new SKPaint { Color = look.Secondary, IsAntialias = true, Style = SKPaintStyle.Fill };
        switch (look.Pattern)
        {
            case "stripes":
                for (var x = -Size; x < Size * 2; x += 28)
                {
                    canvas.DrawRect(x, 0, 10, Size, paint);
                }

                break;
            case "dots":
                for (var y = 10; y < Size; y += 26)
                {
                    for (var x = 10 + (y / 26 % 2) * 13; x < Size; x += 26)
                    {
                        canvas.DrawCircle(x, y, 6, paint);
                    }
                }

                break;
            case "checks":
                paint.Color = look.Secondary.WithAlpha(150);
                for (var i = 0; i < Size; i += 32)
                {
                    canvas.DrawRect(i, 0, 14, Size, paint);
                    canvas.DrawRect(0, i, Size, 14, paint);
                }

                break;
        }
    }

    private static void DrawHardware(SKCanvas canvas, Look look)
    {
        using var metal = new SKPaint { Color = look.HardwareColor, IsAntialias = true, Style = SKPaintStyle.Fill };
        using var shine = new SKPaint { Color = SKColors.White.WithAlpha(180), IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 2 };
        switch (look.Category)
        {
            case "watches":
                canvas.DrawCircle(128, 128, 40, metal);
                canvas.DrawCircle(128, 128, 40, shine);
                break;
            case "bags":
                canvas.DrawRoundRect(new SKRect(112, 140, 144, 164), 4, 4, metal);
                canvas.DrawRoundRect(new SKRect(112, 140, 144, 164), 4, 4, shine);
                break;
            default:
                canvas.DrawCircle(128, 150, 12, metal);
                canvas.DrawRect(60, 180, 136, 8, metal);
                break;
        }
    }
}
