namespace Portal.Infrastructure.Embedded.Imaging;

/// <summary>Where <see cref="FileImageStore"/> keeps the photos and the URL prefix the portal serves them under.</summary>
public sealed record FileImageStoreOptions
{
    public required string RootDirectory { get; init; }

    /// <summary>Prefix of browser URLs; the key is appended (e.g. <c>/images/</c> + <c>tenant/ab/ab…ef.jpg</c>).</summary>
    public string PublicUrlPrefix { get; init; } = "/images/";
}
