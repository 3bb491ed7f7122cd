using System.Globalization;

namespace Portal.Infrastructure.Aws.Athena;

/// <summary>
/// Renders a value as the literal Athena binds to a <c>?</c> through <c>ExecutionParameters</c>. Each parameter is parsed by
/// Athena as exactly one literal, so a quote inside a string is doubled and stays data: it can never close the literal and add SQL.
/// </summary>
public static class AthenaLiteral
{
    public static string Format(object? value) => value switch
    {
        null or DBNull => "NULL",
        string text => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'",
        bool flag => flag ? "TRUE" : "FALSE",
        int or long or short or byte => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        double number when double.IsFinite(number) => "DOUBLE '" + number.ToString("R", CultureInfo.InvariantCulture) + "'",
        decimal number => "DECIMAL '" + number.ToString(CultureInfo.InvariantCulture) + "'",
        // sold_date is a plain TIMESTAMP of UTC wall time (see LakeParquetRow), so times are bound as such.
        DateTime time => "TIMESTAMP '" + time.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture) + "'",
        DateTimeOffset time => "TIMESTAMP '" + time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture) + "'",
        _ => throw new ArgumentException($"A {value.GetType().Name} cannot be bound as an Athena parameter.", nameof(value)),
    };
}
