using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Portal.Core.Pricing;

/// <summary>
/// The gate in front of a pricing request's photo work: <see cref="PricingConcurrencyOptions.PermitLimit"/> at once, a
/// bounded queue (oldest first) and a bounded wait. Photos already embedded and assessed never pass through it, so
/// re-pricing (excluding a comparable) does not queue behind new photos. One instance for the application.
/// </summary>
public sealed class PricingWorkLimiter : IDisposable
{
    private readonly ConcurrencyLimiter limiter;
    private readonly PricingConcurrencyOptions options;
    private readonly TimeProvider time;

    public PricingWorkLimiter(IOptions<PricingConcurrencyOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options.Value;
        this.time = time;
        limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = this.options.PermitLimit,
            QueueLimit = this.options.QueueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    /// <summary>What a caller that was turned away should wait before trying again.</summary>
    public TimeSpan RetryAfter => options.RetryAfter;

    /// <summary>A permit to dispose when the work is done, or null when the queue is full or the wait ran out.</summary>
    public async Task<IDisposable?> TryAcquireAsync(CancellationToken cancellationToken)
    {
        using var wait = new CancellationTokenSource(options.QueueTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, wait.Token);
        RateLimitLease lease;
        try
        {
            lease = await limiter.AcquireAsync(1, linked.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        if (lease.IsAcquired)
        {
            return lease;
        }

        lease.Dispose();
        return null;
    }

    public void Dispose() => limiter.Dispose();
}
