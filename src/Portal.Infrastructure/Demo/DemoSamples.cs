namespace Portal.Infrastructure.Demo;

/// <summary>
/// A photo shipped with the portal: a demo-tenant shoe, stored on every start of a demo portal so the published
/// <c>product.sold</c> example (whose <c>imageKey</c> is this photo's content-hash key) works on a fresh install, and
/// usable as a sample upload.
/// </summary>
public static class DemoSamples
{
    private static readonly Lazy<byte[]> Shoe = new(() =>
    {
        using var stream = typeof(DemoSamples).Assembly.GetManifestResourceStream("Portal.Infrastructure.Demo.Samples.nordvik-shoe.jpg")
            ?? throw new InvalidOperationException("The bundled sample photo is missing from the assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    /// <summary>A JPEG of a demo shoe (category <c>shoes</c>, brand Nordvik).</summary>
    public static ReadOnlyMemory<byte> ShoePhoto => Shoe.Value;

    public const string ShoeContentType = "image/jpeg";
}
