using System.Globalization;
using Portal.Core.Sales;
using Portal.Web.Components.Pages.Trends;

namespace Portal.Web.Tests.Components;

public sealed class TrendsCsvTests
{
    [Fact]
    public void UsesTheInvariantCultureWhateverTheThreadCulture()
    {
        var previous = CultureInfo.CurrentCulture;
        // A culture with a decimal comma (the build runs with invariant globalization, so it is made by hand).
        var decimalComma = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        decimalComma.NumberFormat.NumberDecimalSeparator = ",";
        decimalComma.NumberFormat.NumberGroupSeparator = ".";
        CultureInfo.CurrentCulture = decimalComma;
        try
        {
            Assert.Equal(
                "year,month,category,avg_price,sale_count\r\n2025,3,bags,1234.5678,1200\r\n",
                TrendsCsv.Monthly([new MonthlyTrendRow(2025, 3, "bags", 1234.56781, 1200)]));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"")]
    [InlineData("@sum", "'@sum")]
    [InlineData("", "")]
    public void QuotesOnlyWhatNeedsQuotingAndDefusesFormulas(string value, string expected) =>
        Assert.Equal(expected, TrendsCsv.Field(value));

    [Fact]
    public void HistogramAndSeasonalHaveOneLinePerRow()
    {
        Assert.Equal("from,to,count\r\n0,12.5,3\r\n12.5,25,0\r\n", TrendsCsv.Histogram([new(0, 12.5, 3), new(12.5, 25, 0)]));
        Assert.Equal("category,season,index,sale_count\r\ncoats,Q4,1.1235,9\r\n", TrendsCsv.Seasonal([new("coats", "Q4", 1.123456, 9)]));
    }
}
