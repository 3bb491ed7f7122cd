using Portal.Infrastructure.Embedded.Imaging;

namespace Portal.Infrastructure.Tests.Imaging;

/// <summary>One embedder for the whole test class: loading the two models takes a moment.</summary>
public sealed class OnnxEmbedderFixture : IDisposable
{
    public OnnxImageEmbedder Embedder { get; } = new(new OnnxEmbedderOptions());

    public void Dispose() => Embedder.Dispose();
}
