namespace Portal.Core.Jobs;

/// <summary>
/// Where a resumable job keeps how far it got (an opaque value it writes after each committed batch), so a crashed or
/// cancelled run resumes from the last batch instead of starting over.
/// </summary>
public interface IJobWatermarkStore
{
    /// <summary>The job's watermark, or null before its first committed batch.</summary>
    Task<string?> GetAsync(string jobName, CancellationToken cancellationToken);

    Task SetAsync(string jobName, string watermark, CancellationToken cancellationToken);
}
