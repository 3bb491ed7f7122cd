using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Portal.Core.Sync;

namespace Portal.Core.Sync;

/// <summary>A submission waiting in the channel, with the completion its caller awaits.</summary>
public sealed record QueuedSubmission(SubmissionRequest Request, TaskCompletionSource<EventSubmissionResult> Completion);

/// <summary>The bounded in-process channel between the transports and the consumer.</summary>
public sealed class SyncChannel
{
    private readonly Channel<QueuedSubmission> _channel;

    public SyncChannel(IOptions<SyncOptions> options, SyncMonitor monitor)
    {
        Capacity = options.Value.ChannelCapacity;
        _channel = Channel.CreateBounded<QueuedSubmission>(new BoundedChannelOptions(Capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        monitor.ObserveQueue(() => (Depth, Capacity));
    }

    public int Capacity { get; }

    public int Depth => _channel.Reader.Count;

    public ChannelReader<QueuedSubmission> Reader => _channel.Reader;

    public bool TryWrite(QueuedSubmission submission) => _channel.Writer.TryWrite(submission);
}

/// <summary>
/// The embedded <see cref="IEventSubmitter"/>: fetches the photos the submission names by URL (in the caller's request, so a
/// slow image host delays that submission only), then queues it on the bounded channel (never waiting for room: a full
/// channel is back-pressure, nothing taken) and waits for the consumer's outcomes.
/// </summary>
public sealed class ChannelEventSubmitter(SyncChannel channel, EventPipeline pipeline, IOptions<SyncOptions> options) : IEventSubmitter
{
    public async Task<EventSubmissionResult> SubmitAsync(ReadOnlyMemory<byte> body, EventSubmissionOrigin origin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(origin);
        if (channel.Depth >= channel.Capacity)
        {
            // Full already: refuse before any photo is fetched.
            throw new EventBackPressureException(options.Value.RetryAfter);
        }

        var request = await pipeline.PrefetchPhotosAsync(new SubmissionRequest(body, origin), cancellationToken);
        var queued = new QueuedSubmission(request, new TaskCompletionSource<EventSubmissionResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!channel.TryWrite(queued))
        {
            throw new EventBackPressureException(options.Value.RetryAfter);
        }

        // Once queued the submission is processed even if this caller goes away; the transport's redelivery is then a duplicate.
        return await queued.Completion.Task.WaitAsync(cancellationToken);
    }
}
