using System.ComponentModel.DataAnnotations;

namespace Portal.Infrastructure.Hosting;

/// <summary>Section <c>Portal</c>: which face the outside systems show and where the embedded default keeps its data.</summary>
public sealed class PortalOptions
{
    public const string SectionName = "Portal";

    /// <summary><c>Local</c> (embedded default: SQLite, Parquet, DuckDB, ONNX) or <c>Aws</c>.</summary>
    [Required]
    [RegularExpression("^(Local|Aws)$", ErrorMessage = "Portal:Provider must be Local or Aws.")]
    public string Provider { get; set; } = "Local";

    /// <summary>Data directory of the embedded default; relative paths are resolved against the working directory.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>Seed the demo tenant on first start when the store has none of its sales.</summary>
    public bool SeedDemoData { get; set; }

    [Required]
    [RegularExpression("^[a-z0-9][a-z0-9-]{0,63}$")]
    public string DemoTenant { get; set; } = "demo";

    /// <summary>Sales in the demo tenant over 24 months; 12 per bundled photo (7,200) gives every photo recent sales.</summary>
    [Range(100, 1_000_000)]
    public int DemoSales { get; set; } = 7200;

    /// <summary>
    /// How long a sale stays live after it sold in the embedded store (the seed's TTL: two years). An evaluation of dated
    /// history lengthens it in its own temporary store, so old sales are not cut.
    /// </summary>
    public TimeSpan SalesRetention { get; set; } = Portal.Core.Sales.SaleRetention.Default;

    /// <summary>
    /// Store segments streamed into the in-memory index at once while it loads at start (SQLite read connections, DynamoDB
    /// Scan segments); one per processor by default.
    /// </summary>
    [Range(1, 256, ErrorMessage = "Portal:IndexLoadParallelism must be 1-256.")]
    public int IndexLoadParallelism { get; set; } = Environment.ProcessorCount;

    public string ResolveDataDirectory() => Path.GetFullPath(DataDirectory);

    public string DatabasePath => Path.Combine(ResolveDataDirectory(), "sales.db");

    public string ImagesDirectory => Path.Combine(ResolveDataDirectory(), "images");

    public string LakeDirectory => Path.Combine(ResolveDataDirectory(), "lake");
}
