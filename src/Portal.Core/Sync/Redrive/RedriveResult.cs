using Portal.Core.Sync;

namespace Portal.Core.Sync.Redrive;

public enum RedriveStatus
{
    /// <summary>Re-submitted and marked redriven; <see cref="RedriveResult.NewOutcome"/> says what the pipeline did with it.</summary>
    Redriven,

    /// <summary>No pending letter with that id in the actor's scope (unknown, another tenant's, or already resolved).</summary>
    NotFound,

    /// <summary>The pipeline was at capacity; nothing was submitted or marked, try again.</summary>
    Busy,

    /// <summary>Re-submitted, but another operator resolved the letter meanwhile (the pipeline's idempotency makes the second submission a duplicate).</summary>
    ResolvedMeanwhile,

    /// <summary>No sync pipeline runs in this process; nothing was submitted or marked.</summary>
    Unavailable,
}

/// <summary>The result of redriving one letter: what happened and, when submitted, the new outcome and the note written to the letter.</summary>
public sealed record RedriveResult(long LetterId, RedriveStatus Status, EventOutcomeStatus? NewOutcome, string Note);
