using Portal.Core.Pricing.Batches;
using Portal.Core.Sales;
using Portal.Web.Components.Pages.Batches;
using static Portal.Web.Tests.Components.Batches.BatchTestRows;

namespace Portal.Web.Tests.Components.Batches;

public sealed class BatchResultsStateTests
{
    private static readonly PricingBatch Batch = new()
    {
        BatchId = "b1", Tenant = new TenantId("demo"), CreatedBy = "ana@example.com", CreatedAt = Now, Name = "items.csv", Status = BatchStatus.Running, TotalRows = 6,
    };

    private static BatchResultsState Loaded(params BatchRow[] rows)
    {
        var state = new BatchResultsState();
        state.Load(Batch, rows);
        return state;
    }

    [Fact]
    public void ShowsWeakMatchesFirstAndStrongOnesLast()
    {
        var state = Loaded(Strong(2), Refused(3), Weak(4), Row(5), NoMatch(6), Row(7, BatchRowStatus.CannotPrice) with { Error = "Too few." }, Weak(8));

        Assert.Equal([4, 8, 6, 7, 3, 5, 2], state.Visible.Select(r => r.Line));
    }

    [Theory]
    [InlineData(BatchRowFilter.Strong, new[] { 2 })]
    [InlineData(BatchRowFilter.Weak, new[] { 4 })]
    [InlineData(BatchRowFilter.NoMatch, new[] { 6 })]
    [InlineData(BatchRowFilter.Problems, new[] { 3, 7 })]
    public void FiltersByVerdictOrProblem(BatchRowFilter filter, int[] lines)
    {
        var state = Loaded(Strong(2), Refused(3), Weak(4), Row(5), NoMatch(6), Row(7, BatchRowStatus.CannotPrice) with { Error = "Too few." });
        state.Filter = filter;

        Assert.Equal(lines, state.Visible.Select(r => r.Line).Order());
        Assert.Equal(lines.Length, state.CountOf(filter));
    }

    [Fact]
    public void CountsProgressAndTheStrongMatchesStillToAccept()
    {
        var state = Loaded(Strong(2), Strong(3) with { DecisionId = "b1-000003" }, Weak(4), Row(5));

        Assert.Equal(75, state.Percent);
        Assert.Equal(1, state.StrongUndecided);
        Assert.Equal(1, state.Decided);
        Assert.False(state.IsFinished);
    }

    [Fact]
    public void ExportsOnlyTheDecidedRows()
    {
        var state = Loaded(Strong(2), Strong(3) with { DecisionId = "b1-000003" }, Weak(4));

        var lines = state.DecisionsCsv().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(2, lines.Length);
        Assert.StartsWith("3,photo-3.jpg,shoes,good,,,priced,100.9,80,120,EUR,0.900,strong,,b1-000003,", lines[1]);
    }

    [Fact]
    public void OpensARowInTheWorkbenchByBatchAndLine() =>
        Assert.Equal("/price?batch=b1&line=7", BatchResultsState.WorkbenchUrl("b1", 7));
}
