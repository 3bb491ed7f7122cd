using System.Text.RegularExpressions;
using Portal.Infrastructure.Formats;

namespace Portal.Infrastructure.Tests.Aws.Athena;

/// <summary>Each catalogue query is written once; the dialects differ only in the relation, the median and the parameter syntax.</summary>
public sealed class SalesQueryDialectTests
{
    public static TheoryData<string> Queries => new()
    {
        SalesQueryCatalogue.MonthlyTrend, SalesQueryCatalogue.BrandPerformance, SalesQueryCatalogue.SeasonalIndex,
        SalesQueryCatalogue.PriceHistogram, SalesQueryCatalogue.Categories, SalesQueryCatalogue.Brands, SalesQueryCatalogue.CountRows,
    };

    [Theory]
    [MemberData(nameof(Queries))]
    public void Athena_gets_one_positional_parameter_per_occurrence_and_duckdb_one_named_parameter_per_name(string template)
    {
        var athena = SalesQueryDialect.Athena.Render(template, "\"portal\".\"sales_history\"");
        var duck = SalesQueryDialect.DuckDb.Render(template, "read_parquet('x')");

        Assert.DoesNotContain("$", athena.Sql, StringComparison.Ordinal);
        Assert.Equal(athena.Parameters.Count, athena.Sql.Count(c => c == '?'));
        Assert.Equal(duck.Parameters.Distinct().Count(), duck.Parameters.Count);
        Assert.Equal(duck.Parameters.Order(), athena.Parameters.Distinct().Order());
        Assert.Equal("tenant", athena.Parameters[0]);
        Assert.DoesNotContain("{", athena.Sql, StringComparison.Ordinal);
        Assert.DoesNotContain("{", duck.Sql.Replace("read_parquet('x')", "", StringComparison.Ordinal), StringComparison.Ordinal);
        // Apart from the three differences, the text is the same.
        Assert.Equal(
            Regex.Replace(duck.Sql.Replace("read_parquet('x')", "T", StringComparison.Ordinal).Replace("quantile_cont(sold_price, 0.5)", "M", StringComparison.Ordinal), @"\$[a-z_]+", "?"),
            athena.Sql.Replace("\"portal\".\"sales_history\"", "T", StringComparison.Ordinal).Replace("approx_percentile(sold_price, 0.5)", "M", StringComparison.Ordinal));
    }

    [Fact]
    public void The_median_is_exact_in_duckdb_and_approx_percentile_in_athena()
    {
        Assert.Contains("approx_percentile(sold_price, 0.5)", SalesQueryDialect.Athena.Render(SalesQueryCatalogue.BrandPerformance, "t").Sql, StringComparison.Ordinal);
        Assert.Contains("quantile_cont(sold_price, 0.5)", SalesQueryDialect.DuckDb.Render(SalesQueryCatalogue.BrandPerformance, "t").Sql, StringComparison.Ordinal);
    }

    [Fact]
    public void Binding_orders_values_as_the_query_needs_them_and_refuses_a_missing_one()
    {
        var query = SalesQueryDialect.Athena.Render(SalesQueryCatalogue.Brands, "t");

        Assert.Equal([("tenant", (object?)"acme"), ("category", null), ("category", null)], SalesQueryDialect.Bind(query, new Dictionary<string, object?> { ["tenant"] = "acme", ["category"] = null }));
        var missing = Assert.Throws<InvalidOperationException>(() => SalesQueryDialect.Bind(query, new Dictionary<string, object?> { ["tenant"] = "acme" }));
        Assert.Contains("'category'", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Identifiers_are_quoted_with_embedded_quotes_doubled()
    {
        Assert.Equal("\"sales_history\"", SalesQueryDialect.QuoteIdentifier("sales_history"));
        Assert.Equal("\"a\"\"b\"", SalesQueryDialect.QuoteIdentifier("a\"b"));
    }
}
