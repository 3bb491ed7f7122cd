namespace Portal.Infrastructure.Embedded.Lake;

/// <summary>Settings of the embedded sales lake (a local folder holding <c>sales_history/…</c>).</summary>
public sealed record LakeOptions
{
    /// <summary>Folder that contains <c>sales_history/tenant_id=…/year=…/month=…/*.parquet</c>.</summary>
    public required string RootDirectory { get; init; }

    /// <summary>Rows per Parquet row group; large groups keep DuckDB scans fast.</summary>
    public int RowGroupSize { get; init; } = 1_000_000;
}
