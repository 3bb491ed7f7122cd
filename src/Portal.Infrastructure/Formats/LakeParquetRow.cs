using System.Text.Json.Serialization;
using Parquet.Serialization.Attributes;

namespace Portal.Infrastructure.Formats;

/// <summary>
/// One row of <c>sales_history</c> as stored in a Parquet file. <c>tenant_id</c>, <c>year</c> and <c>month</c> are partition
/// columns: they live in the folder names only (hive style), never inside the files.
/// </summary>
/// <remarks>
/// <c>embedding</c> is a list of float32 rather than the seed's <c>ARRAY&lt;DOUBLE&gt;</c>: the models emit float32, so doubles
/// would only double the size. <c>sold_date</c> is a TIMESTAMP holding UTC wall time, not adjusted-to-UTC, so DuckDB and Athena
/// both read it as a plain TIMESTAMP whose year and month match the partition. Its unit is milliseconds: Parquet.Net 6.1.0 writes
/// wrong min/max statistics for microsecond timestamps, and DuckDB then prunes row groups that match <c>sold_date &gt;= x</c>.
/// </remarks>
internal sealed class LakeParquetRow
{
    [JsonPropertyName("product_id")]
    public string ProductId { get; set; } = string.Empty;

    [JsonPropertyName("sale_id")]
    public string SaleId { get; set; } = string.Empty;

    [JsonPropertyName("category")]
    public string Category { get; set; } = string.Empty;

    [JsonPropertyName("brand")]
    public string? Brand { get; set; }

    [JsonPropertyName("condition")]
    public string? Condition { get; set; }

    [JsonPropertyName("sold_price")]
    public double SoldPrice { get; set; }

    [JsonPropertyName("currency")]
    public string Currency { get; set; } = string.Empty;

    [JsonPropertyName("sold_date")]
    [ParquetTimestamp(ParquetTimestampResolution.Milliseconds, useLogicalTimestamp: true, isAdjustedToUTC: false)]
    public DateTime SoldDate { get; set; }

    [JsonPropertyName("season")]
    public string Season { get; set; } = string.Empty;

    [JsonPropertyName("image_s3_key")]
    public string? ImageS3Key { get; set; }

    [JsonPropertyName("embedding")]
    public float[]? Embedding { get; set; }

    [JsonPropertyName("embedding_model")]
    public string? EmbeddingModel { get; set; }

    [JsonPropertyName("description")]
    public string? Description { get; set; }

    [JsonPropertyName("title")]
    public string? Title { get; set; }

    [JsonPropertyName("source")]
    public string Source { get; set; } = string.Empty;
}
