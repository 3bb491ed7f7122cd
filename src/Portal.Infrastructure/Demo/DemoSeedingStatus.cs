namespace Portal.Infrastructure.Demo;

public enum SeedingState
{
    Disabled,
    Pending,
    Running,
    Completed,
    Failed,
}

/// <summary>How far the demo seeding is; read by the readiness check and the portal.</summary>
public sealed class DemoSeedingStatus
{
    private readonly Lock _gate = new();

    public SeedingState State { get; private set; } = SeedingState.Disabled;
    public int Done { get; private set; }
    public int Total { get; private set; }
    public string Message { get; private set; } = "Demo seeding is off.";
    public TimeSpan? Elapsed { get; private set; }

    public void Update(SeedingState state, int done, int total, string message, TimeSpan? elapsed = null)
    {
        lock (_gate)
        {
            (State, Done, Total, Message, Elapsed) = (state, done, total, message, elapsed);
        }
    }

    public DemoSeedingSnapshot Snapshot()
    {
        lock (_gate)
        {
            return new DemoSeedingSnapshot(State.ToString(), Done, Total, Message, Elapsed?.TotalSeconds);
        }
    }
}

public sealed record DemoSeedingSnapshot(string State, int Done, int Total, string Message, double? ElapsedSeconds);
