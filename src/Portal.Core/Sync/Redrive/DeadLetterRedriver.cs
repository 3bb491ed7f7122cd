using System.Text;
using Microsoft.Extensions.Logging;
using Portal.Core.Sync;

namespace Portal.Core.Sync.Redrive;

/// <summary>
/// Redrives and discards dead letters for the Dead-letters page. A redrive re-submits the stored payload byte for byte through
/// the pipeline with origin <c>redrive</c>, restricted to the actor's tenant (a platform admin: the letter's tenant), then marks the
/// letter redriven with the actor and the new outcome as its note; a letter rejected again is dead-lettered anew by the
/// pipeline. Both actions are audited in the store (who, when, why) and in the log. Without a pipeline in the process (no
/// <see cref="IEventSubmitter"/> registered) letters can still be listed and discarded, not redriven.
/// </summary>
public sealed partial class DeadLetterRedriver(IDeadLetterStore store, ILogger<DeadLetterRedriver> logger, IEventSubmitter? submitter = null)
{
    /// <summary>Whether this process runs the sync pipeline that a redrive submits to.</summary>
    public bool CanRedrive => submitter is not null;

    public async Task<RedriveResult> RedriveAsync(long id, DeadLetterActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (submitter is null)
        {
            return new RedriveResult(id, RedriveStatus.Unavailable, null, "The sync pipeline does not run in this process; nothing was redriven.");
        }

        var letter = await store.GetAsync(id, actor.Scope(DeadLetterStatus.Pending), cancellationToken);
        if (letter is null)
        {
            return new RedriveResult(id, RedriveStatus.NotFound, null, "No dead letter with this id in your scope.");
        }

        if (letter.Status != DeadLetterStatus.Pending)
        {
            return new RedriveResult(id, RedriveStatus.NotFound, null, $"This dead letter is already {letter.Status.ToString().ToLowerInvariant()}.");
        }

        var origin = new EventSubmissionOrigin(EventSubmissionOrigin.Redrive, actor.IsPlatformAdmin ? letter.Tenant : actor.Tenant, actor.Name);
        EventSubmissionResult result;
        try
        {
            result = await submitter.SubmitAsync(Encoding.UTF8.GetBytes(letter.Payload), origin, cancellationToken);
        }
        catch (EventBackPressureException ex)
        {
            return new RedriveResult(id, RedriveStatus.Busy, null, $"The sync pipeline is at capacity; try again in {Math.Max(1, ex.RetryAfter.TotalSeconds):0} s.");
        }

        var (outcome, note) = Describe(result);
        if (!await store.MarkRedrivenAsync(id, actor.Scope(), actor.Name, note, cancellationToken))
        {
            return new RedriveResult(id, RedriveStatus.ResolvedMeanwhile, outcome, note);
        }

        LogRedriven(logger, id, actor.Name, letter.Tenant?.Value, note);
        return new RedriveResult(id, RedriveStatus.Redriven, outcome, note);
    }

    /// <summary>Redrives each letter in turn; one failing never stops the others.</summary>
    public async Task<IReadOnlyList<RedriveResult>> RedriveManyAsync(IEnumerable<long> ids, DeadLetterActor actor, CancellationToken cancellationToken)
    {
        var results = new List<RedriveResult>();
        foreach (var id in ids.Distinct())
        {
            results.Add(await RedriveAsync(id, actor, cancellationToken));
        }

        return results;
    }

    /// <summary>Discards a pending letter in the actor's scope with a required reason; false when there is no such letter.</summary>
    /// <exception cref="ArgumentException">The reason is empty.</exception>
    public async Task<bool> DiscardAsync(long id, DeadLetterActor actor, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new ArgumentException("A reason is required to discard a dead letter.", nameof(reason));
        }

        var discarded = await store.DiscardAsync(id, actor.Scope(), actor.Name, reason.Trim(), cancellationToken);
        if (discarded)
        {
            LogDiscarded(logger, id, actor.Name, reason.Trim());
        }

        return discarded;
    }

    /// <summary>The new outcome (for a multi-event payload, the first non-accepted one) and a one-line note for the audit trail.</summary>
    internal static (EventOutcomeStatus Outcome, string Note) Describe(EventSubmissionResult result)
    {
        if (result.IsBatchRejected)
        {
            return (EventOutcomeStatus.Rejected, "redrive rejected: " + string.Join("; ", result.BatchErrors));
        }

        if (result.Outcomes.Count == 0)
        {
            return (EventOutcomeStatus.Rejected, "redrive rejected: the payload holds no event");
        }

        var worst = result.Outcomes.FirstOrDefault(o => o.Status != EventOutcomeStatus.Accepted && o.Status != EventOutcomeStatus.Duplicate) ?? result.Outcomes[0];
        var note = $"redrive {worst.Status.ToString().ToLowerInvariant()}";
        if (worst.Reasons.Count > 0)
        {
            note += ": " + string.Join("; ", worst.Reasons);
        }

        if (result.Outcomes.Count > 1)
        {
            note += $" ({string.Join(", ", result.Outcomes.GroupBy(o => o.Status).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}"))})";
        }

        return (worst.Status, note);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Dead letter {Id} (tenant {Tenant}) redriven by {Actor}: {Note}")]
    private static partial void LogRedriven(ILogger logger, long id, string actor, string? tenant, string note);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dead letter {Id} discarded by {Actor}: {Reason}")]
    private static partial void LogDiscarded(ILogger logger, long id, string actor, string reason);
}
