using Portal.Core.Pricing.Batches;

namespace Portal.Web.Components.Pages.Batches;

/// <summary>Which rows the results grid shows.</summary>
public enum BatchRowFilter
{
    /// <summary>Every row, the ones to check first: weak, no look-alikes, not priced, refused, pending, then strong.</summary>
    WeakFirst,
    Strong,
    Weak,
    NoMatch,
    Problems,
}

/// <summary>
/// What the batch page holds between renders: the batch, its rows, the filter and what follows from them (counts,
/// visible rows, the strong matches still to accept, the decisions' CSV). Plain C#, tested without a renderer.
/// </summary>
public sealed class BatchResultsState
{
    public PricingBatch? Batch { get; private set; }

    public IReadOnlyList<BatchRow> Rows { get; private set; } = [];

    public BatchCounts Counts { get; private set; } = new(0, 0, 0, 0, 0, 0);

    public BatchRowFilter Filter { get; set; } = BatchRowFilter.WeakFirst;

    public bool Loaded { get; private set; }

    public bool IsFinished => Batch?.Status == BatchStatus.Completed;

    /// <summary>Done rows over all rows, in percent.</summary>
    public double Percent => Counts.Total == 0 ? 100 : 100.0 * Counts.Done / Counts.Total;

    /// <summary>Strong matches without a decision yet: what "Accept all strong matches" would record.</summary>
    public int StrongUndecided => Rows.Count(r => r.Status == BatchRowStatus.Priced && r.Verdict == BatchVerdict.Strong && r.DecisionId is null);

    public int Decided => Counts.Decided;

    public void Load(PricingBatch? batch, IReadOnlyList<BatchRow> rows)
    {
        Batch = batch;
        Rows = batch is null ? [] : rows;
        Counts = BatchCounts.Of(Rows);
        Loaded = true;
    }

    public int CountOf(BatchRowFilter filter) => Rows.Count(r => Matches(r, filter));

    public IReadOnlyList<BatchRow> Visible => [.. Rows.Where(r => Matches(r, Filter)).OrderBy(Rank).ThenBy(r => r.Line)];

    /// <summary>The decided rows as CSV, for the analyst's own records or the shop system.</summary>
    public string DecisionsCsv() => BatchCsv.Write(Rows.Where(r => r.DecisionId is not null));

    public string ExportName => $"batch-{Batch?.BatchId}-decisions.csv";

    /// <summary>The workbench with this row's photo and fields filled in.</summary>
    public static string WorkbenchUrl(string batchId, int line) => $"/price?batch={Uri.EscapeDataString(batchId)}&line={line}";

    private static bool Matches(BatchRow row, BatchRowFilter filter) => filter switch
    {
        BatchRowFilter.Strong => row.Status == BatchRowStatus.Priced && row.Verdict == BatchVerdict.Strong,
        BatchRowFilter.Weak => row.Status == BatchRowStatus.Priced && row.Verdict == BatchVerdict.Weak,
        BatchRowFilter.NoMatch => row.Status == BatchRowStatus.Priced && row.Verdict == BatchVerdict.None,
        BatchRowFilter.Problems => row.Status is BatchRowStatus.Invalid or BatchRowStatus.CannotPrice,
        _ => true,
    };

    /// <summary>Weak matches first: they need the analyst; strong ones last, they can be accepted in bulk.</summary>
    private static int Rank(BatchRow row) => row.Status switch
    {
        BatchRowStatus.Priced => row.Verdict switch { BatchVerdict.Weak => 0, BatchVerdict.None => 1, _ => 5 },
        BatchRowStatus.CannotPrice => 2,
        BatchRowStatus.Invalid => 3,
        _ => 4,
    };
}
