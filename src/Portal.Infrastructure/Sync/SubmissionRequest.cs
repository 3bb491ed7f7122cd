using Portal.Pricing.Sync;

namespace Portal.Infrastructure.Sync;

/// <summary>One submission to the pipeline: a body (one envelope or a batch) and who sent it.</summary>
public sealed record SubmissionRequest(ReadOnlyMemory<byte> Body, EventSubmissionOrigin Origin);
