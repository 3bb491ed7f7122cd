using Portal.Core.Validation;
using Portal.Infrastructure.Embedded.Lake;
using Portal.Infrastructure.Embedded.Sqlite;

namespace Portal.Infrastructure.Embedded;

/// <summary>Where the validation reads: the store's SQLite file, the lake's root folder, and the store's retention (its TTL).</summary>
public sealed record ValidationSources(string DatabasePath, string LakeRoot, TimeSpan RetentionPeriod);

/// <summary>The validator and the lake repairer of the embedded default: the SQLite store against the local Parquet lake.</summary>
public static class EmbeddedValidation
{
    public static SalesValidator CreateValidator(ValidationSources sources, ValidationOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(sources);
        return new SalesValidator(
            new SqliteValidationStoreReader(sources.DatabasePath, timeProvider),
            new ParquetValidationLakeReader(sources.LakeRoot),
            sources.RetentionPeriod,
            options,
            timeProvider,
            ownsStore: true);
    }

    public static LakeRepairer CreateRepairer(
        ValidationSources sources, ISalesLake lake, IValidationReportStore reports, TimeProvider timeProvider, ILogger<LakeRepairer>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(sources);
        return new LakeRepairer(
            new SqliteValidationStoreReader(sources.DatabasePath, timeProvider),
            new ParquetValidationLakeReader(sources.LakeRoot),
            lake,
            reports,
            timeProvider,
            logger,
            ownsStore: true);
    }
}
