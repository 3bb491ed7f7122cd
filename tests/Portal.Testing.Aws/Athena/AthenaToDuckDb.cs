using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Portal.Testing.Aws.Athena;

/// <summary>
/// What the fake does to answer Athena SQL with DuckDB: the <c>sales_history</c> table becomes a <c>read_parquet</c> over the
/// lake folder (hive partitions typed as the table's DDL declares them), <c>approx_percentile</c> becomes DuckDB's
/// <c>approx_quantile</c>, positional <c>?</c> become <c>$1…$n</c>, and each execution parameter (an Athena literal) becomes a
/// bound DuckDB value. A parameter that is not exactly one literal is refused, as Athena refuses it.
/// </summary>
public static partial class AthenaToDuckDb
{
    /// <summary>An empty relation with the table's columns, for a lake without files (read_parquet refuses an empty glob).</summary>
    private const string EmptyTable = """
        (SELECT CAST(NULL AS VARCHAR) AS product_id, CAST(NULL AS VARCHAR) AS sale_id, CAST(NULL AS VARCHAR) AS category,
                CAST(NULL AS VARCHAR) AS brand, CAST(NULL AS VARCHAR) AS condition, CAST(NULL AS DOUBLE) AS sold_price,
                CAST(NULL AS VARCHAR) AS currency, CAST(NULL AS TIMESTAMP) AS sold_date, CAST(NULL AS VARCHAR) AS season,
                CAST(NULL AS VARCHAR) AS image_s3_key, CAST(NULL AS FLOAT[]) AS embedding, CAST(NULL AS VARCHAR) AS embedding_model,
                CAST(NULL AS VARCHAR) AS description, CAST(NULL AS VARCHAR) AS title, CAST(NULL AS VARCHAR) AS source,
                CAST(NULL AS VARCHAR) AS tenant_id, CAST(NULL AS INTEGER) AS year, CAST(NULL AS INTEGER) AS month
         WHERE false)
        """;

    /// <summary>Translates <paramref name="sql"/>; returns the DuckDB SQL and the number of positional parameters it holds.</summary>
    public static (string Sql, int ParameterCount) Translate(string sql, string database, string table, string lakeRoot)
    {
        var tableFolder = Path.Combine(Path.GetFullPath(lakeRoot), "sales_history");
        var hasFiles = Directory.Exists(tableFolder) && Directory.EnumerateFiles(tableFolder, "*.parquet", SearchOption.AllDirectories).Any();
        var relation = hasFiles
            ? $"read_parquet('{(tableFolder.Replace('\\', '/') + "/*/*/*/*.parquet").Replace("'", "''", StringComparison.Ordinal)}', hive_partitioning = true, " +
              "hive_types = {'tenant_id': VARCHAR, 'year': INTEGER, 'month': INTEGER})"
            : EmptyTable;

        var result = new StringBuilder(sql.Length + 256);
        var parameters = 0;
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (c == '\'')
            {
                // Copy string literals untouched.
                var end = i + 1;
                while (end < sql.Length && !(sql[end] == '\'' && (end + 1 >= sql.Length || sql[end + 1] != '\'')))
                {
                    end += sql[end] == '\'' ? 2 : 1;
                }

                result.Append(sql, i, Math.Min(end + 1, sql.Length) - i);
                i = end + 1;
                continue;
            }

            if (c == '?')
            {
                result.Append('$').Append((++parameters).ToString(CultureInfo.InvariantCulture));
                i++;
                continue;
            }

            var tableMatch = TablePattern().Match(sql, i);
            if (tableMatch.Success && tableMatch.Index == i
                && (!tableMatch.Groups["db"].Success || string.Equals(Unquote(tableMatch.Groups["db"].Value), database, StringComparison.Ordinal))
                && string.Equals(Unquote(tableMatch.Groups["table"].Value), table, StringComparison.Ordinal))
            {
                result.Append(relation);
                i += tableMatch.Length;
                continue;
            }

            result.Append(c);
            i++;
        }

        return (ApproxPercentilePattern().Replace(result.ToString(), "approx_quantile("), parameters);
    }

    /// <summary>The value an Athena literal stands for; throws <see cref="FormatException"/> when it is not exactly one literal.</summary>
    public static object ParseLiteral(string literal)
    {
        var text = literal.Trim();
        if (StringLiteralPattern().IsMatch(text))
        {
            return text[1..^1].Replace("''", "'", StringComparison.Ordinal);
        }

        if (text.Equals("NULL", StringComparison.OrdinalIgnoreCase))
        {
            return DBNull.Value;
        }

        if (text.Equals("TRUE", StringComparison.OrdinalIgnoreCase) || text.Equals("FALSE", StringComparison.OrdinalIgnoreCase))
        {
            return text.Equals("TRUE", StringComparison.OrdinalIgnoreCase);
        }

        if (IntegerPattern().IsMatch(text))
        {
            // Trino types an integer literal INTEGER when it fits, BIGINT otherwise.
            return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var small)
                ? small
                : long.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        }

        var typed = TypedLiteralPattern().Match(text);
        if (typed.Success)
        {
            var value = typed.Groups["value"].Value;
            switch (typed.Groups["type"].Value.ToUpperInvariant())
            {
                case "TIMESTAMP":
                    return DateTime.ParseExact(value, ["yyyy-MM-dd HH:mm:ss.fff", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd"], CultureInfo.InvariantCulture, DateTimeStyles.None);
                case "DATE":
                    return DateOnly.ParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture);
                case "DOUBLE":
                    return double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture);
                case "DECIMAL":
                    return decimal.Parse(value, NumberStyles.Number, CultureInfo.InvariantCulture);
            }
        }

        if (DecimalPattern().IsMatch(text))
        {
            return decimal.Parse(text, NumberStyles.Number, CultureInfo.InvariantCulture);
        }

        throw new FormatException($"'{literal}' is not a literal.");
    }

    /// <summary>Athena's name for a result column's type and its text form of a value.</summary>
    public static string TypeName(Type type) => type switch
    {
        _ when type == typeof(string) => "varchar",
        _ when type == typeof(int) => "integer",
        _ when type == typeof(long) || type == typeof(System.Numerics.BigInteger) => "bigint",
        _ when type == typeof(short) => "smallint",
        _ when type == typeof(sbyte) || type == typeof(byte) => "tinyint",
        _ when type == typeof(double) => "double",
        _ when type == typeof(float) => "real",
        _ when type == typeof(decimal) => "decimal",
        _ when type == typeof(DateTime) => "timestamp",
        _ when type == typeof(DateOnly) => "date",
        _ when type == typeof(bool) => "boolean",
        _ => "varchar",
    };

    public static string? Text(object? value) => value switch
    {
        null or DBNull => null,
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        float number => number.ToString("R", CultureInfo.InvariantCulture),
        DateTime time => time.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture),
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        bool flag => flag ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static string Unquote(string identifier) =>
        identifier.StartsWith('"') ? identifier[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal) : identifier.ToLowerInvariant();

    [GeneratedRegex("""\G(?:(?<db>"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_]*)\.)?(?<table>"(?:[^"]|"")+"|\b[A-Za-z_][A-Za-z0-9_]*\b)""", RegexOptions.CultureInvariant)]
    private static partial Regex TablePattern();

    [GeneratedRegex(@"\bapprox_percentile\s*\(", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ApproxPercentilePattern();

    [GeneratedRegex("^'(?:[^']|'')*'$", RegexOptions.CultureInvariant)]
    private static partial Regex StringLiteralPattern();

    [GeneratedRegex(@"^-?\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^-?\d+\.\d*$", RegexOptions.CultureInvariant)]
    private static partial Regex DecimalPattern();

    [GeneratedRegex("^(?<type>TIMESTAMP|DATE|DOUBLE|DECIMAL) '(?<value>[^']*)'$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TypedLiteralPattern();
}
