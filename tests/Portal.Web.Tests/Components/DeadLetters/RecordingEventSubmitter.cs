using System.Collections.Concurrent;
using System.Text;
using Portal.Core.Sync;

namespace Portal.Web.Tests.Components.DeadLetters;

/// <summary>Records what reaches the pipeline and answers with <see cref="Answer"/> (accepted by default).</summary>
internal sealed class RecordingEventSubmitter : IEventSubmitter
{
    public Func<string, EventSubmissionResult> Answer { get; set; } = _ => new EventSubmissionResult([EventOutcome.Accepted(0, "e")], []);

    public ConcurrentQueue<(string Body, EventSubmissionOrigin Origin)> Calls { get; } = new();

    public Task<EventSubmissionResult> SubmitAsync(ReadOnlyMemory<byte> body, EventSubmissionOrigin origin, CancellationToken cancellationToken)
    {
        var text = Encoding.UTF8.GetString(body.Span);
        Calls.Enqueue((text, origin));
        return Task.FromResult(Answer(text));
    }
}
