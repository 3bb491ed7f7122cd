using System.Globalization;

namespace Portal.Core.Imports;

/// <summary>
/// What to import: a manifest CSV (<c>image,category,brand,condition,price,currency,date,title</c>, and <c>images</c> for
/// further photos separated by <c>|</c>) for one tenant.
/// </summary>
public sealed record ImportRequest
{
    public required string ManifestPath { get; init; }
    public required string Tenant { get; init; }
    /// <summary>Folder image paths are relative to; defaults to the manifest's folder.</summary>
    public string? ImagesRoot { get; init; }
    /// <summary>Currency of rows that name none.</summary>
    public string DefaultCurrency { get; init; } = "EUR";
    /// <summary>Source recorded on each sale.</summary>
    public string Source { get; init; } = "import";
    /// <summary>A manifest column to hand back per sale id (an evaluation reads the expert's <c>estimate</c> this way); not stored.</summary>
    public string? CaptureColumn { get; init; }

    /// <summary>
    /// False (the default): a row sold longer ago than the store's retention is skipped, because every read would leave it
    /// out. True: such rows are imported anyway, for an evaluation into a temporary store that wants the history whole.
    /// Either way they are counted and named in <see cref="ImportReport.PastRetention"/>.
    /// </summary>
    public bool IgnoreRetention { get; init; }
}

/// <param name="PastRetention">Rows the importer found past the retention so far (skipped or, with <see cref="ImportRequest.IgnoreRetention"/>, imported).</param>
public sealed record ImportProgress(int Processed, int Total, int Imported, int Rejected, int PastRetention = 0);

public sealed record RejectedRow(int Line, string Reason);

public sealed record ImportReport(int Rows, int Imported, int AlreadyPresent, IReadOnlyList<RejectedRow> Rejected, bool Dated)
{
    /// <summary>The <see cref="ImportRequest.CaptureColumn"/> value of each imported or present row that has one, by sale id.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, string> Captured { get; init; } = new Dictionary<string, string>();

    /// <summary>The rows sold before the store's retention cut (a count of 0 when every row is recent enough).</summary>
    public required PastRetentionRows PastRetention { get; init; }
}

/// <summary>
/// Rows sold before <see cref="SoldBefore"/> (now minus the store's retention), which reads leave out. <see cref="Lines"/> holds
/// every such row's manifest line, in order; <see cref="Imported"/> says whether they were written
/// (<see cref="ImportRequest.IgnoreRetention"/>) or skipped.
/// </summary>
public sealed record PastRetentionRows(int Count, IReadOnlyList<int> Lines, DateTimeOffset SoldBefore, TimeSpan Retention, bool Imported)
{
    /// <summary>One sentence for people: how many, the cut, what happened to them and the first <paramref name="linesShown"/> lines.</summary>
    public string Describe(int linesShown = 10)
    {
        var lines = string.Join(", ", Lines.Take(linesShown));
        var more = Count > linesShown ? $" and {Count - linesShown} more" : string.Empty;
        var outcome = Imported
            ? "imported anyway, as asked, though the store's reads leave them out"
            : "skipped, because the store's reads would leave them out";
        return string.Create(CultureInfo.InvariantCulture,
            $"{Count} row(s) sold before {SoldBefore:yyyy-MM-dd} are past the {Retention.TotalDays:0}-day retention and were {outcome}: line(s) {lines}{more}.");
    }
}
