namespace Portal.Infrastructure.Demo;

/// <summary>
/// The demo tenant's photos: real photos from the clothing-small data set (CC0, <c>Demo/Photos/LICENSE</c>), embedded in
/// this assembly so the portal seeds from any working directory, published or not. <c>photos.csv</c> names each photo's
/// category (its label in the data set).
/// </summary>
public static class DemoPhotos
{
    private const string ResourcePrefix = "Portal.Infrastructure.Demo.Photos.";

    private static readonly Lazy<IReadOnlyList<DemoPhoto>> Manifest = new(LoadManifest);

    /// <summary>Every bundled photo, in the manifest's order (category, then file name).</summary>
    public static IReadOnlyList<DemoPhoto> All => Manifest.Value;

    /// <summary>The JPEG bytes of a bundled photo.</summary>
    public static byte[] Read(string file)
    {
        using var stream = typeof(DemoPhotos).Assembly.GetManifestResourceStream(ResourcePrefix + file)
            ?? throw new InvalidOperationException($"The demo photo '{file}' is missing from the assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static IReadOnlyList<DemoPhoto> LoadManifest()
    {
        using var stream = typeof(DemoPhotos).Assembly.GetManifestResourceStream(ResourcePrefix + "photos.csv")
            ?? throw new InvalidOperationException("The demo photo manifest is missing from the assembly.");
        using var reader = new StreamReader(stream);
        var photos = new List<DemoPhoto>();
        reader.ReadLine(); // header: image,label,source
        while (reader.ReadLine() is { Length: > 0 } line)
        {
            var fields = line.Split(',');
            photos.Add(new DemoPhoto(fields[0], fields[1]));
        }

        return photos;
    }
}

/// <summary>A bundled photo: its file name and the demo category it belongs to.</summary>
public sealed record DemoPhoto(string File, string Category);
