using System.ComponentModel.DataAnnotations;

namespace Portal.Infrastructure.Embedded;

/// <summary>Section <c>Portal</c>, the embedded default's part: where it keeps its data and how long a sale stays live.</summary>
public sealed class EmbeddedStorageOptions
{
    public const string SectionName = "Portal";

    /// <summary>Data directory of the embedded default; relative paths are resolved against the working directory.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>
    /// How long a sale stays live after it sold in the embedded store (the seed's TTL: two years). An evaluation of dated
    /// history lengthens it in its own temporary store, so old sales are not cut.
    /// </summary>
    public TimeSpan SalesRetention { get; set; } = SaleRetention.Default;

    public string ResolveDataDirectory() => Path.GetFullPath(DataDirectory);

    public string DatabasePath => Path.Combine(ResolveDataDirectory(), "sales.db");

    public string ImagesDirectory => Path.Combine(ResolveDataDirectory(), "images");

    public string LakeDirectory => Path.Combine(ResolveDataDirectory(), "lake");
}
