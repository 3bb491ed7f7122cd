namespace Portal.Core.Pricing.Batches;

/// <summary>
/// One row of a batch: what was declared (CSV line or photo), where its photo is kept, and its outcome. A row refused
/// at upload is kept too, <see cref="BatchRowStatus.Invalid"/> with its reason, so nothing sent is lost.
/// </summary>
public sealed record BatchRow
{
    /// <summary>The CSV line number (header = 1), or the photo's position (1-based) in a photos upload.</summary>
    public required int Line { get; init; }

    /// <summary>The image name as given (the CSV's <c>image</c> column or the uploaded file name).</summary>
    public required string ImageName { get; init; }

    /// <summary>The photo's key in the image store; null when the row was refused before its photo was kept.</summary>
    public string? ImageKey { get; init; }

    public required string Category { get; init; }
    public required string Condition { get; init; }
    public string? Brand { get; init; }
    public string? Title { get; init; }
    public required BatchRowStatus Status { get; init; }

    /// <summary>Why the row is invalid or could not be priced.</summary>
    public string? Error { get; init; }

    public BatchRowPrice? Price { get; init; }

    /// <summary>The decision recorded for this row (accepted in bulk), once there is one.</summary>
    public string? DecisionId { get; init; }

    public BatchVerdict Verdict => Price is null ? BatchVerdict.None : BatchVerdicts.Of(Price.Confidence, Price.Fallback);

    /// <summary>What to look at before trusting the row, in short words.</summary>
    public IReadOnlyList<string> Flags => BatchVerdicts.FlagsOf(this);
}

public enum BatchRowStatus
{
    Pending,
    Priced,
    CannotPrice,
    Invalid,
}

/// <summary>What the engine suggested for a row: the price, its range, confidence and fallback, and the comparables' count.</summary>
public sealed record BatchRowPrice(
    decimal Price,
    decimal RangeLow,
    decimal RangeHigh,
    string Currency,
    double Confidence,
    string? Fallback,
    int Comparables,
    string EmbeddingModel,
    DateTimeOffset PricedAt);

/// <summary>The outcome the runner stores for a pending row.</summary>
public sealed record BatchRowOutcome(int Line, BatchRowStatus Status, string? Error, BatchRowPrice? Price);
