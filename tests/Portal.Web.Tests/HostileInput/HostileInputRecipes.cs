using System.Buffers.Binary;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Portal.Infrastructure.Demo;
using SkiaSharp;

namespace Portal.Web.Tests.HostileInput;

/// <summary>
/// The inputs of the hostile-input corpus that are too big or too odd to write into its rows: named bodies for
/// <c>/api/events</c>, named photos and whole requests for <c>/api/pricing/calculate</c>. Deterministic.
/// </summary>
internal static class HostileInputRecipes
{
    private const string Emoji = "\U0001F45F";

    public static string ExampleText(string detailType) =>
        File.ReadAllText(Path.Combine(Api.EventTestSupport.RepoRoot, "docs", "events", "examples", detailType + ".json"));

    public static JsonObject Example(string detailType) => JsonNode.Parse(ExampleText(detailType))!.AsObject();

    /// <summary>An event body by name; <paramref name="unique"/> makes ids unique to the run.</summary>
    public static byte[] Event(string recipe, Func<JsonObject, JsonObject> unique) => recipe switch
    {
        "truncated-example" => Encoding.UTF8.GetBytes(ExampleText("product.sold")[..200]),
        "batch-of-101" => Encoding.UTF8.GetBytes(new JsonArray([.. Enumerable.Range(0, 101).Select(_ => (JsonNode)unique(Example("product.listed")))]).ToJsonString()),
        "duplicate-sold-price" => Encoding.UTF8.GetBytes(unique(Example("product.sold")).ToJsonString().Replace("\"soldPrice\":52.50", "\"soldPrice\":52.50,\"soldPrice\":0.01", StringComparison.Ordinal)),
        "nested-10000" => WithRaw(unique(Example("product.sold")), "\"detail\":{", "\"detail\":{\"x\":" + new string('[', 10_000) + new string(']', 10_000) + ","),
        "nested-20" => Encoding.UTF8.GetBytes(With(unique(Example("product.listed")), e => e["extra"] = Nested(20)).ToJsonString()),
        "invalid-utf8-title" => InvalidUtf8Title(unique),
        "lone-surrogate-title" => WithRaw(unique(Example("product.listed")), "\"title\":\"", "\"title\":\"\\ud800"),
        "body-over-4mb" => Encoding.UTF8.GetBytes("[" + unique(Example("product.listed")).ToJsonString() + new string(' ', 4 * 1024 * 1024) + "]"),
        "event-over-256kb" => Encoding.UTF8.GetBytes(With(unique(Example("product.listed")), e => e["padding"] = new string('p', 300 * 1024)).ToJsonString()),
        "price-1e400" => WithRaw(unique(Example("product.sold")), "\"soldPrice\":52.50", "\"soldPrice\":1e400"),
        "price-1e-400" => WithRaw(unique(Example("product.sold")), "\"soldPrice\":52.50", "\"soldPrice\":1e-400"),
        "title-300-emoji" => Encoding.UTF8.GetBytes(With(unique(Example("product.listed")), e => e["detail"]!["title"] = Repeat(Emoji, 300)).ToJsonString()),
        "title-301-emoji" => Encoding.UTF8.GetBytes(With(unique(Example("product.listed")), e => e["detail"]!["title"] = Repeat(Emoji, 301)).ToJsonString()),
        _ => throw new ArgumentException($"No event recipe '{recipe}'.", nameof(recipe)),
    };

    /// <summary>A photo's bytes by name.</summary>
    public static byte[] Image(string recipe) => recipe switch
    {
        "demo-shoe" => DemoSamples.ShoePhoto.ToArray(),
        "small-jpeg" => TestImages.Jpeg(),
        "small-png" => SmallPng(),
        "text" => Encoding.UTF8.GetBytes("hello, this is not an image\n"),
        "html" => Encoding.UTF8.GetBytes("<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"),
        "svg" => Encoding.UTF8.GetBytes("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><script>alert(1)</script></svg>"),
        "zero-bytes" => [],
        "truncated-jpeg" => TestImages.Jpeg()[..(TestImages.Jpeg().Length / 2)],
        "truncated-png" => SmallPng()[..40],
        "jpeg-zip-polyglot" => [.. TestImages.Jpeg(), .. Zip("index.html", "<script>alert(1)</script>")],
        "jpeg-html-polyglot" => [.. TestImages.Jpeg(), .. Encoding.UTF8.GetBytes("<html><script>alert(1)</script></html>")],
        "png-header-bomb" => TestImages.PngHeader(100_000, 100_000),
        "png-64mp-bomb" => GrayPng(8_000, 8_000),
        "png-36mp" => GrayPng(6_000, 6_000),
        "random-11mb" => RandomBytes(11 * 1024 * 1024),
        _ => throw new ArgumentException($"No image recipe '{recipe}'.", nameof(recipe)),
    };

    /// <summary>Field values written as "@N" in a row are N characters; "@long-name" is a 5,000-character file name.</summary>
    public static string Value(string value) => value switch
    {
        "@long-name" => new string('n', 4_996) + ".jpg",
        ['@', .. var digits] when int.TryParse(digits, out var length) => new string('v', length),
        _ => value,
    };

    /// <summary>A whole request body by name, for what a well-formed form cannot carry.</summary>
    public static HttpContent Body(string recipe)
    {
        switch (recipe)
        {
            case "json":
                return new StringContent("{\"category\":\"shoes\",\"condition\":\"good\"}", Encoding.UTF8, "application/json");
            case "no-content-type":
            {
                var content = new ByteArrayContent(FormBytes(out _));
                content.Headers.ContentType = null;
                return content;
            }

            case "no-boundary":
            {
                var content = new ByteArrayContent(FormBytes(out _));
                content.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data");
                return content;
            }

            case "cut-multipart":
            {
                var bytes = FormBytes(out var contentType);
                // Everything up to the closing boundary, which never comes: "\r\n--boundary--\r\n" and a little before it.
                var content = new ByteArrayContent(bytes[..(bytes.Length - 200)]);
                content.Headers.ContentType = contentType;
                return content;
            }

            case "100-fields":
            {
                var form = Form();
                for (var i = 0; i < 100; i++)
                {
                    form.Add(new StringContent("v"), $"field{i}");
                }

                return form;
            }

            case "huge-part-header":
            {
                var form = Form();
                var part = new StringContent("good");
                part.Headers.TryAddWithoutValidation("X-Padding", new string('h', 20 * 1024));
                form.Add(part, "title");
                return form;
            }

            case "over-30mb":
            {
                var form = new MultipartFormDataContent();
                form.Add(new ByteArrayContent(RandomBytes(31 * 1024 * 1024)), "images", "big.jpg");
                return form;
            }

            case "over-30mb-chunked":
            {
                var form = new MultipartFormDataContent();
                form.Add(new StreamContent(new MemoryStream(RandomBytes(31 * 1024 * 1024))), "images", "big.jpg");
                return new ChunkedContent(form);
            }

            default:
                throw new ArgumentException($"No body recipe '{recipe}'.", nameof(recipe));
        }
    }

    private static MultipartFormDataContent Form()
    {
        var form = new MultipartFormDataContent();
        var photo = new ByteArrayContent(TestImages.Jpeg());
        photo.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(photo, "images", "photo.jpg");
        form.Add(new StringContent("shoes"), "category");
        form.Add(new StringContent("very_good"), "condition");
        return form;
    }

    private static byte[] FormBytes(out MediaTypeHeaderValue contentType)
    {
        using var form = Form();
        contentType = form.Headers.ContentType!;
        return form.ReadAsByteArrayAsync().GetAwaiter().GetResult();
    }

    private static JsonObject With(JsonObject node, Action<JsonObject> change)
    {
        change(node);
        return node;
    }

    private static byte[] WithRaw(JsonObject node, string find, string replace)
    {
        var text = node.ToJsonString();
        if (!text.Contains(find, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"'{find}' is not in the example.");
        }

        return Encoding.UTF8.GetBytes(text.Replace(find, replace, StringComparison.Ordinal));
    }

    private static byte[] InvalidUtf8Title(Func<JsonObject, JsonObject> unique)
    {
        var text = unique(Example("product.listed")).ToJsonString();
        const string marker = "Nordvik black leather derby shoes, size 42";
        var at = text.IndexOf(marker, StringComparison.Ordinal);
        return [.. Encoding.UTF8.GetBytes(text[..at]), (byte)'a', 0xC3, 0x28, (byte)'b', .. Encoding.UTF8.GetBytes(text[(at + marker.Length)..])];
    }

    private static JsonNode Nested(int depth)
    {
        JsonNode node = "leaf";
        for (var i = 0; i < depth; i++)
        {
            node = new JsonObject { ["n"] = node };
        }

        return node;
    }

    private static string Repeat(string text, int count) => string.Concat(Enumerable.Repeat(text, count));

    private static byte[] SmallPng()
    {
        using var bitmap = new SKBitmap(256, 256);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            using var paint = new SKPaint { Color = SKColors.SaddleBrown };
            canvas.DrawRect(40, 100, 180, 90, paint);
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>
    /// A real, decodable 8-bit grey PNG of <paramref name="width"/> × <paramref name="height"/>: one gradient row, then
    /// every row "the same as above" (filter 2, all zeros), so many megapixels deflate to a few kilobytes.
    /// </summary>
    private static byte[] GrayPng(int width, int height)
    {
        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), (uint)height);
        header[8] = 8; // bit depth; colour type 0 (grey), deflate, filter 0, no interlace
        Chunk(png, "IHDR", header);

        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            var first = new byte[width + 1];
            for (var x = 0; x < width; x++)
            {
                first[x + 1] = (byte)(x * 255 / Math.Max(1, width - 1));
            }

            zlib.Write(first);
            var same = new byte[width + 1];
            same[0] = 2;
            for (var y = 1; y < height; y++)
            {
                zlib.Write(same);
            }
        }

        Chunk(png, "IDAT", compressed.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)data.Length);
        png.Write(length);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typed);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        png.Write(crc);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }

    private static byte[] Zip(string name, string text)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = new StreamWriter(zip.CreateEntry(name).Open());
            entry.Write(text);
        }

        return buffer.ToArray();
    }

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        new Random(11).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Sends its inner content without a Content-Length, so the server learns the size only by reading.</summary>
    private sealed class ChunkedContent : HttpContent
    {
        private readonly HttpContent _inner;

        public ChunkedContent(HttpContent inner)
        {
            _inner = inner;
            Headers.ContentType = inner.Headers.ContentType;
        }

        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => _inner.CopyToAsync(stream);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
