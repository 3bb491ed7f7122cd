using Portal.Core.Sales;

namespace Portal.Core.Pricing.Batches;

/// <summary>One uploaded file: its name and declared length, and how to open it once its length passed.</summary>
public sealed record BatchFile(string FileName, long Length, Func<CancellationToken, Task<Stream>> OpenAsync);

/// <summary>An upload, as the API or the page received it. The tenant and user come from the signed-in identity.</summary>
public abstract record BatchUpload
{
    private BatchUpload()
    {
    }

    public required TenantId Tenant { get; init; }
    public required string UserName { get; init; }

    /// <summary>A CSV (<c>image,category,condition,brand,title</c>) naming photos inside a zip.</summary>
    public sealed record CsvWithZip(BatchFile Csv, BatchFile Zip) : BatchUpload;

    /// <summary>Many photos sharing one category and condition.</summary>
    public sealed record Photos(IReadOnlyList<BatchFile> Files, string? Category, string? Condition) : BatchUpload;
}

/// <summary>What an upload came to: a stored batch, or why nothing was stored.</summary>
public abstract record BatchSubmitOutcome
{
    private BatchSubmitOutcome()
    {
    }

    public sealed record Accepted(PricingBatch Batch, BatchCounts Counts, IReadOnlyList<BatchRowProblem> Problems) : BatchSubmitOutcome;

    /// <summary>The upload as a whole is wrong (400), per field.</summary>
    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors, string Detail) : BatchSubmitOutcome;

    /// <summary>A file or what it unpacks to is over a limit (413).</summary>
    public sealed record TooLarge(string Detail) : BatchSubmitOutcome;
}

/// <summary>A row refused at upload, by line: it is stored as invalid and reported, the rest is priced.</summary>
public sealed record BatchRowProblem(int Line, string ImageName, string Error);
