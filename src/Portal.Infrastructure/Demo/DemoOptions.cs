using System.ComponentModel.DataAnnotations;

namespace Portal.Infrastructure.Demo;

/// <summary>Section <c>Portal</c>, the demo tenant's part.</summary>
public sealed class DemoOptions
{
    public const string SectionName = "Portal";

    /// <summary>Seed the demo tenant on first start when the store has none of its sales.</summary>
    public bool SeedDemoData { get; set; }

    [Required]
    [RegularExpression("^[a-z0-9][a-z0-9-]{0,63}$")]
    public string DemoTenant { get; set; } = "demo";

    /// <summary>Sales in the demo tenant over 24 months; 12 per bundled photo (7,200) gives every photo recent sales.</summary>
    [Range(100, 1_000_000)]
    public int DemoSales { get; set; } = 7200;
}
