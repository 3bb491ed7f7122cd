using System.Globalization;

namespace Portal.Infrastructure.Aws.Athena;

/// <summary>A finished query's rows (header row removed), typed by the result's column metadata.</summary>
public sealed record AthenaResultSet(string QueryExecutionId, IReadOnlyList<ColumnInfo> Columns, IReadOnlyList<AthenaRow> Rows);

/// <summary>One result row; Athena sends every value as text, so the getters parse it by the column's declared type.</summary>
public sealed class AthenaRow(IReadOnlyList<ColumnInfo> columns, IReadOnlyList<string?> values)
{
    public int FieldCount => values.Count;

    public bool IsNull(int ordinal) => values[ordinal] is null;

    public string GetString(int ordinal) => Value(ordinal, "varchar", "char", "string");

    // Engines widen integer arithmetic differently (Trino keeps INTEGER, DuckDB may give BIGINT); an out-of-range value still throws.
    public int GetInt32(int ordinal) => int.Parse(Value(ordinal, "integer", "int", "smallint", "tinyint", "bigint"), NumberStyles.Integer, CultureInfo.InvariantCulture);

    public long GetInt64(int ordinal) => long.Parse(Value(ordinal, "bigint", "integer", "int", "smallint", "tinyint"), NumberStyles.Integer, CultureInfo.InvariantCulture);

    public double GetDouble(int ordinal)
    {
        var text = Value(ordinal, "double", "float", "real", "decimal", "bigint", "integer", "int");
        return text switch
        {
            "NaN" => double.NaN,
            "Infinity" => double.PositiveInfinity,
            "-Infinity" => double.NegativeInfinity,
            _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
    }

    public DateTime GetDateTime(int ordinal) =>
        DateTime.SpecifyKind(DateTime.Parse(Value(ordinal, "timestamp", "date"), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), DateTimeKind.Unspecified);

    private string Value(int ordinal, params string[] types)
    {
        var column = columns[ordinal];
        var type = column.Type.Split('(')[0].Trim().ToLowerInvariant();
        if (!types.Contains(type, StringComparer.Ordinal))
        {
            throw new InvalidCastException($"Athena column '{column.Name}' is {column.Type}, not one of {string.Join(", ", types)}.");
        }

        return values[ordinal] ?? throw new InvalidCastException($"Athena column '{column.Name}' is NULL in this row.");
    }
}
