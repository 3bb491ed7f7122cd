using Portal.Core.Sync;

namespace Portal.Core.Tests.Sync;

public sealed class ProductLifecycleTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(null, ProductEventType.Listed, TransitionKind.Apply)]
    [InlineData(null, ProductEventType.Updated, TransitionKind.Park)]
    [InlineData(null, ProductEventType.Sold, TransitionKind.Park)]
    [InlineData(null, ProductEventType.Delisted, TransitionKind.Park)]
    [InlineData(ProductStatus.Listed, ProductEventType.Listed, TransitionKind.Illegal)]
    [InlineData(ProductStatus.Listed, ProductEventType.Updated, TransitionKind.Apply)]
    [InlineData(ProductStatus.Listed, ProductEventType.Sold, TransitionKind.Apply)]
    [InlineData(ProductStatus.Listed, ProductEventType.Delisted, TransitionKind.Apply)]
    [InlineData(ProductStatus.Updated, ProductEventType.Updated, TransitionKind.Apply)]
    [InlineData(ProductStatus.Updated, ProductEventType.Sold, TransitionKind.Apply)]
    [InlineData(ProductStatus.Updated, ProductEventType.Delisted, TransitionKind.Apply)]
    [InlineData(ProductStatus.Updated, ProductEventType.Listed, TransitionKind.Illegal)]
    [InlineData(ProductStatus.Sold, ProductEventType.Listed, TransitionKind.Illegal)]
    [InlineData(ProductStatus.Sold, ProductEventType.Updated, TransitionKind.Illegal)]
    [InlineData(ProductStatus.Sold, ProductEventType.Sold, TransitionKind.Illegal)]
    [InlineData(ProductStatus.Sold, ProductEventType.Delisted, TransitionKind.Illegal)]
    [InlineData(ProductStatus.Delisted, ProductEventType.Listed, TransitionKind.Apply)]
    [InlineData(ProductStatus.Delisted, ProductEventType.Updated, TransitionKind.Illegal)]
    [InlineData(ProductStatus.Delisted, ProductEventType.Sold, TransitionKind.Illegal)]
    [InlineData(ProductStatus.Delisted, ProductEventType.Delisted, TransitionKind.Illegal)]
    public void DecidesEveryTransition(ProductStatus? current, ProductEventType type, TransitionKind expected)
    {
        var state = current is { } status ? new ProductState(status, 3, "earlier-event", At) : null;

        var decision = ProductLifecycle.Decide(state, type, "this-event");

        Assert.Equal(expected, decision.Kind);
        Assert.Equal(expected == TransitionKind.Apply ? ProductLifecycle.StatusOf(type) : null, decision.NewStatus);
        Assert.Equal(expected is TransitionKind.Park or TransitionKind.Illegal, decision.Reason is not null);
    }

    [Fact]
    public void TheEventThatLastMovedTheProductIsAReplayNotAnIllegalTransition()
    {
        var decision = ProductLifecycle.Decide(new ProductState(ProductStatus.Sold, 2, "sold-1", At), ProductEventType.Sold, "sold-1");

        Assert.Equal(TransitionKind.Replay, decision.Kind);
    }
}
