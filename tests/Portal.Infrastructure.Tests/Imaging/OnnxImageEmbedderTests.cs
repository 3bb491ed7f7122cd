using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using Portal.Infrastructure.Embedded.Imaging;

namespace Portal.Infrastructure.Tests.Imaging;

public sealed class OnnxImageEmbedderTests(OnnxEmbedderFixture fixture) : IClassFixture<OnnxEmbedderFixture>
{
    private readonly OnnxImageEmbedder embedder = fixture.Embedder;

    [Fact]
    public async Task Produces512DimensionalUnitVectorsDeterministically()
    {
        var jpeg = ImagingTestData.RealOrGeneratedJpeg();

        var first = await embedder.EmbedAsync(jpeg, CancellationToken.None);
        var second = await embedder.EmbedAsync(jpeg, CancellationToken.None);

        Assert.Equal(512, first.Length);
        Assert.Equal(1.0, Math.Sqrt(first.Sum(v => (double)v * v)), 4);
        Assert.Equal(first, second);
        Assert.All(first, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void ExposesModelIdAndMetadata()
    {
        var metadata = Assert.IsType<EmbeddingGeneratorMetadata>(embedder.GetService(typeof(EmbeddingGeneratorMetadata)));

        Assert.Equal("resnet18-onnx-v2", embedder.ModelId);
        Assert.Equal(embedder.ModelId, metadata.DefaultModelId);
        Assert.Equal(512, metadata.DefaultModelDimensions);
        Assert.Same(embedder, embedder.GetService(typeof(OnnxImageEmbedder)));
        Assert.Null(embedder.GetService(typeof(string)));
    }

    [Fact]
    public async Task GeneratesEmbeddingsThroughTheAbstraction()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        using var generator = new OnnxImageEmbedder(new OnnxEmbedderOptions(), time);
        IEmbeddingGenerator<DataContent, Embedding<float>> abstraction = generator;
        var png = ImagingTestData.Encode(ImagingTestData.Scene(200, 150), SkiaSharp.SKEncodedImageFormat.Png);

        var result = await abstraction.GenerateAsync([new DataContent(ImagingTestData.Jpeg(), "image/jpeg"), new DataContent(png, "image/png")]);

        Assert.Equal(2, result.Count);
        Assert.All(result, e =>
        {
            Assert.Equal(512, e.Vector.Length);
            Assert.Equal("resnet18-onnx-v2", e.ModelId);
            Assert.Equal(time.GetUtcNow(), e.CreatedAt);
        });
    }

    [Fact]
    public async Task ThrowsInvalidDataExceptionForUndecodableImages()
    {
        var jpeg = ImagingTestData.Jpeg();

        await Assert.ThrowsAsync<InvalidDataException>(() => embedder.EmbedAsync("not an image"u8.ToArray(), CancellationToken.None));
        await Assert.ThrowsAsync<InvalidDataException>(() => embedder.EmbedAsync(jpeg.AsMemory(0, 200), CancellationToken.None));
        await Assert.ThrowsAsync<InvalidDataException>(() => embedder.EmbedAsync(ReadOnlyMemory<byte>.Empty, CancellationToken.None));
    }

    [Fact]
    public async Task IsSafeToCallConcurrently()
    {
        var images = Enumerable.Range(1, 4).Select(seed => ImagingTestData.Jpeg(seed: seed)).ToArray();
        var sequential = new List<float[]>();
        foreach (var image in images)
        {
            sequential.Add(await embedder.EmbedAsync(image, CancellationToken.None));
        }

        var parallel = await Task.WhenAll(images.Concat(images).Select(image => Task.Run(() => embedder.EmbedAsync(image, CancellationToken.None))));

        for (var i = 0; i < parallel.Length; i++)
        {
            Assert.Equal(sequential[i % images.Length], parallel[i]);
        }
    }

    [Fact]
    public async Task AppliesExifOrientationBeforeEmbedding()
    {
        // A rotated copy carrying orientation 6 ("rotate 90° clockwise to display") must embed like the upright photo.
        var upright = ImagingTestData.Jpeg(320, 240, seed: 5);
        var rotatedCounterClockwise = ImagingTestData.Transform(upright, (canvas, source) =>
        {
            canvas.Translate(0, source.Width);
            canvas.RotateDegrees(-90);
            canvas.DrawBitmap(source, 0, 0, new SkiaSharp.SKSamplingOptions(SkiaSharp.SKFilterMode.Linear), null);
        }, width: 240, height: 320);
        var tagged = JpegExif.WithOrientation(rotatedCounterClockwise, 6);

        var reference = await embedder.EmbedAsync(upright, CancellationToken.None);
        var untagged = await embedder.EmbedAsync(rotatedCounterClockwise, CancellationToken.None);
        var corrected = await embedder.EmbedAsync(tagged, CancellationToken.None);

        Assert.True(Cosine(reference, corrected) > 0.97, $"corrected {Cosine(reference, corrected):F3}");
        Assert.True(Cosine(reference, corrected) > Cosine(reference, untagged));
    }

    [Fact]
    public async Task MirrorImagesShareOneEmbedding()
    {
        using var scene = ImagingTestData.Scene(320, 240);
        using var mirror = new SkiaSharp.SKBitmap(scene.Info);
        using (var canvas = new SkiaSharp.SKCanvas(mirror))
        {
            canvas.Scale(-1, 1, scene.Width / 2f, 0);
            canvas.DrawBitmap(scene, 0, 0, new SkiaSharp.SKSamplingOptions(SkiaSharp.SKFilterMode.Nearest), null);
        }

        var original = await embedder.EmbedAsync(ImagingTestData.Encode(scene, SkiaSharp.SKEncodedImageFormat.Png), CancellationToken.None);
        var mirrored = await embedder.EmbedAsync(ImagingTestData.Encode(mirror, SkiaSharp.SKEncodedImageFormat.Png), CancellationToken.None);

        Assert.True(Cosine(original, mirrored) > 0.999, $"cosine {Cosine(original, mirrored):F4}");
    }

    [SkippableFact]
    public async Task SameGarmentIsCloserThanGarmentsOfOtherLabels()
    {
        var root = ImagingTestData.ClothingSmall;
        Skip.If(root is null, ImagingTestData.MissingDatasetMessage);
        var manifest = ImagingTestData.Manifest(root);
        var byLabel = manifest.GroupBy(r => r.Label).ToDictionary(g => g.Key, g => g.Select(r => r.Path).ToList());
        string[] pairs = ["shoes", "hat", "pants", "dress"];

        foreach (var label in pairs)
        {
            var photo = await File.ReadAllBytesAsync(byLabel[label][0]);
            var other = await File.ReadAllBytesAsync(byLabel[pairs[(Array.IndexOf(pairs, label) + 1) % pairs.Length]][0]);
            var vector = await embedder.EmbedAsync(photo, CancellationToken.None);
            var flipped = await embedder.EmbedAsync(ImagingTestData.FlipHorizontally(photo), CancellationToken.None);
            var cropped = await embedder.EmbedAsync(ImagingTestData.CropCenter(photo, 0.06f), CancellationToken.None);
            var different = await embedder.EmbedAsync(other, CancellationToken.None);

            var baseline = Cosine(vector, different);
            Assert.True(Cosine(vector, flipped) > baseline, $"{label}: flipped {Cosine(vector, flipped):F3} vs other label {baseline:F3}");
            Assert.True(Cosine(vector, cropped) > baseline, $"{label}: cropped {Cosine(vector, cropped):F3} vs other label {baseline:F3}");
        }
    }

    internal static double Cosine(float[] a, float[] b)
    {
        double dot = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
        }

        return dot; // both are unit vectors
    }
}
