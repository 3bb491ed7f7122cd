using System.Collections.Concurrent;
using Portal.Core.Sync;

namespace Portal.Infrastructure.Tests.Sqs;

/// <summary>
/// A small real-behaviour submitter for the transport tests: it parses the body with the real strict parser and answers
/// accepted or rejected per event, as the pipeline's first step does. The full pipeline (idempotency, state machine, store,
/// dead letters) is built separately; these tests are about what the consumer does with the queue given an outcome or a throw.
/// <see cref="BeforeSubmit"/> lets a test make a call slow or throw (call numbers start at 1).
/// </summary>
internal sealed class ParsingEventSubmitter : IEventSubmitter
{
    private int _calls;

    public Func<int, CancellationToken, Task>? BeforeSubmit { get; init; }

    public int Calls => Volatile.Read(ref _calls);

    public ConcurrentQueue<(EventSubmissionOrigin Origin, EventSubmissionResult Result)> Results { get; } = new();

    public async Task<EventSubmissionResult> SubmitAsync(ReadOnlyMemory<byte> body, EventSubmissionOrigin origin, CancellationToken cancellationToken)
    {
        var call = Interlocked.Increment(ref _calls);
        if (BeforeSubmit is not null)
        {
            await BeforeSubmit(call, cancellationToken);
        }

        var batch = ProductEventParser.ParseBatch(body.Span);
        var outcomes = new List<EventOutcome>();
        outcomes.AddRange(batch.Rejected.Select(r => new EventOutcome(r.Index, r.Id, EventOutcomeStatus.Rejected, r.Errors)));
        var rejectedIndexes = batch.Rejected.Select(r => r.Index).ToHashSet();
        var index = 0;
        foreach (var accepted in batch.Accepted)
        {
            while (rejectedIndexes.Contains(index))
            {
                index++;
            }

            outcomes.Add(EventOutcome.Accepted(index++, accepted.Id));
        }

        var result = new EventSubmissionResult([.. outcomes.OrderBy(o => o.Index)], batch.BatchErrors);
        Results.Enqueue((origin, result));
        return result;
    }
}
