namespace Portal.Infrastructure.Aws.Sqs;

/// <summary>Running totals of the SQS consumer, for the worker's health log line.</summary>
public sealed class SqsConsumerStatus
{
    private long _received;
    private long _deleted;
    private long _leftForRedelivery;
    private long _visibilityExtensions;
    private long _receiveErrors;

    public long Received => Interlocked.Read(ref _received);

    /// <summary>Messages whose submission returned outcomes (accepted, duplicate, rejected, parked, failed) and were deleted.</summary>
    public long Deleted => Interlocked.Read(ref _deleted);

    /// <summary>Messages whose submission threw (back-pressure, a dependency down): left to reappear after the visibility timeout.</summary>
    public long LeftForRedelivery => Interlocked.Read(ref _leftForRedelivery);

    public long VisibilityExtensions => Interlocked.Read(ref _visibilityExtensions);

    public long ReceiveErrors => Interlocked.Read(ref _receiveErrors);

    /// <summary>Messages received and not yet deleted or given up on.</summary>
    public int InFlight => (int)(Received - Deleted - LeftForRedelivery);

    internal void AddReceived(int count) => Interlocked.Add(ref _received, count);

    internal void AddDeleted() => Interlocked.Increment(ref _deleted);

    internal void AddLeftForRedelivery() => Interlocked.Increment(ref _leftForRedelivery);

    internal void AddVisibilityExtension() => Interlocked.Increment(ref _visibilityExtensions);

    internal void AddReceiveError() => Interlocked.Increment(ref _receiveErrors);
}
