namespace Portal.Cli;

/// <summary>
/// A clock that reads <paramref name="asOf"/> at construction and then runs: the evaluation of dated history (and
/// <c>--as-of</c> on a live store) sees the store as it stood on that day, retention cut included.
/// </summary>
internal sealed class AsOfTimeProvider(DateTimeOffset asOf) : TimeProvider
{
    private readonly long _started = System.GetTimestamp();

    public override DateTimeOffset GetUtcNow() => asOf + System.GetElapsedTime(_started);
}
