using System.Text;
using System.Text.RegularExpressions;

namespace Portal.Infrastructure.Formats;

/// <summary>A catalogue query rendered for one engine: its SQL and the parameters in the order the engine binds them.</summary>
/// <param name="Sql">The SQL text, holding no value but the relation.</param>
/// <param name="Parameters">The parameter names: each once for an engine that binds by name, every occurrence in order for a positional one.</param>
public sealed record RenderedSalesQuery(string Sql, IReadOnlyList<string> Parameters);

/// <summary>
/// The one place where the engines' SQL differs (see <see cref="SalesQueryCatalogue"/>): the relation, the median, the
/// parameter syntax. Values never pass through here: only the relation, which the caller builds from validated names.
/// </summary>
public sealed partial class SalesQueryDialect
{
    /// <summary>DuckDB: <c>read_parquet(…)</c> relations, an exact median (<c>quantile_cont</c>), <c>$name</c> parameters.</summary>
    public static SalesQueryDialect DuckDb { get; } = new("quantile_cont(sold_price, 0.5)", positional: false);

    /// <summary>Athena (Trino): a catalogue table, <c>approx_percentile</c> (Athena has no exact median), positional <c>?</c>.</summary>
    public static SalesQueryDialect Athena { get; } = new("approx_percentile(sold_price, 0.5)", positional: true);

    private readonly string _median;
    private readonly bool _positional;

    private SalesQueryDialect(string median, bool positional)
    {
        _median = median;
        _positional = positional;
    }

    /// <summary>Renders <paramref name="template"/> over <paramref name="source"/>, the tenant's relation.</summary>
    public RenderedSalesQuery Render(string template, string source)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        var sql = template
            .Replace(SalesQueryCatalogue.Source, source, StringComparison.Ordinal)
            .Replace(SalesQueryCatalogue.Median, _median, StringComparison.Ordinal);
        var names = new List<string>();
        var text = ParameterPattern().Replace(sql, match =>
        {
            var name = match.Groups[1].Value;
            if (_positional || !names.Contains(name, StringComparer.Ordinal))
            {
                names.Add(name);
            }

            return _positional ? "?" : match.Value;
        });
        return new RenderedSalesQuery(text, names);
    }

    /// <summary>Orders <paramref name="values"/> as <paramref name="query"/> binds them; a parameter without a value is a bug, so it throws.</summary>
    public static IReadOnlyList<(string Name, object? Value)> Bind(RenderedSalesQuery query, IReadOnlyDictionary<string, object?> values)
    {
        var bound = new List<(string, object?)>(query.Parameters.Count);
        foreach (var name in query.Parameters)
        {
            if (!values.TryGetValue(name, out var value))
            {
                throw new InvalidOperationException($"The query needs a value for parameter '{name}'.");
            }

            bound.Add((name, value));
        }

        return bound;
    }

    /// <summary>A double-quoted SQL identifier, for names that come from validated configuration (never from input).</summary>
    public static string QuoteIdentifier(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new StringBuilder(name.Length + 2).Append('"').Append(name.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"').ToString();
    }

    [GeneratedRegex(@"\$([a-z_][a-z0-9_]*)", RegexOptions.CultureInvariant)]
    private static partial Regex ParameterPattern();
}
