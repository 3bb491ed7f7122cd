namespace Portal.Infrastructure.Demo;

/// <summary>
/// A demo photo used as the sample upload: a real photo of shoes from the demo tenant's photos, stored on every start of a
/// demo portal so the published <c>product.sold</c> example (whose <c>imageKey</c> is this photo's content-hash key) works
/// on a fresh install.
/// </summary>
public static class DemoSamples
{
    /// <summary>The sample's file under <c>src/Portal.Infrastructure/Demo/Photos/</c>.</summary>
    public const string ShoeFile = "00f6e504-7c27-438e-a5d7-bc65e557bb2b.jpg";

    public const string ShoeContentType = "image/jpeg";

    private static readonly Lazy<byte[]> Shoe = new(() => DemoPhotos.Read(ShoeFile));

    /// <summary>A JPEG of shoes (demo category <c>shoes</c>).</summary>
    public static ReadOnlyMemory<byte> ShoePhoto => Shoe.Value;
}
