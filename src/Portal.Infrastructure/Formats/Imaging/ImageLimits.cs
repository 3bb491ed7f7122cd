namespace Portal.Infrastructure.Formats.Imaging;

/// <summary>Limits an upload must respect before anything decodes it.</summary>
public sealed record ImageLimits
{
    /// <summary>Largest accepted file, in bytes (default 10 MB).</summary>
    public long MaxBytes { get; init; } = 10 * 1024 * 1024;

    /// <summary>Largest accepted width × height, read from the header (default 40 megapixels): guards against decompression bombs.</summary>
    public long MaxPixels { get; init; } = 40_000_000;

    /// <summary>Smallest accepted width or height, in pixels.</summary>
    public int MinSide { get; init; } = 32;
}
