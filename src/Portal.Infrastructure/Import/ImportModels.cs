namespace Portal.Infrastructure.Import;

/// <summary>What to import: a manifest CSV (<c>image,category,brand,condition,price,currency,date,title</c>) for one tenant.</summary>
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
}

public sealed record ImportProgress(int Processed, int Total, int Imported, int Rejected);

public sealed record RejectedRow(int Line, string Reason);

public sealed record ImportReport(int Rows, int Imported, int AlreadyPresent, IReadOnlyList<RejectedRow> Rejected, bool Dated)
{
    /// <summary>The <see cref="ImportRequest.CaptureColumn"/> value of each imported or present row that has one, by sale id.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, string> Captured { get; init; } = new Dictionary<string, string>();
}
