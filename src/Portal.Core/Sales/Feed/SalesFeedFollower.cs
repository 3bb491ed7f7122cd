using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Jobs;
using Portal.Core.Pricing.Similarity;

namespace Portal.Core.Sales.Feed;

/// <summary>
/// Keeps this host's in-memory index current from the store, whoever wrote the sale (the worker, <c>portal import</c>,
/// another portal, this one): after the index has loaded, it reads the change feed from its watermark minus
/// <see cref="SalesFeedOptions.Overlap"/>, adds the sales the index does not hold yet (by tenant and sale id, so this host's
/// own writes and the overlap's re-reads are skipped), and removes the sales whose retention has passed. A host that falls
/// more than <see cref="SalesFeedOptions.LagAlertThreshold"/> behind raises one alert until it catches up.
/// </summary>
public sealed partial class SalesFeedFollower(
    ISalesChangeFeed feed,
    ISalesStore store,
    ISalesIndex index,
    SalesIndexLoader loader,
    SalesFeedStatus status,
    SalesFeedMetrics metrics,
    AlertPublisher alerts,
    IOptions<SalesFeedOptions> options,
    TimeProvider timeProvider,
    ILogger<SalesFeedFollower> logger) : BackgroundService
{
    private readonly SalesFeedOptions _options = options.Value;
    private DateTimeOffset _watermark;
    private DateTimeOffset _lastPassStartedAt;
    private bool _lagAlerted;
    private DateTimeOffset _lastHeartbeat = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            return;
        }

        try
        {
            await loader.Loaded.WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception)
        {
            // The loader reports its own failure (readiness stays unhealthy); there is no index to keep current.
            return;
        }

        // Everything written from the moment the load began is read again; the overlap covers writes stamped just before it.
        ResumeFrom(loader.LoadStartedAt);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                timeout.CancelAfter(_options.LagAlertThreshold);
                await PollOnceAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                status.Failed(ex.Message);
                LogPollFailed(logger, ex);
            }

            await AlertOnLagAsync(stoppingToken);
            await HeartbeatAsync(stoppingToken);
            try
            {
                await Task.Delay(_options.PollInterval, timeProvider, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Where the next pass starts (minus the overlap): the time the index load began.</summary>
    internal void ResumeFrom(DateTimeOffset watermark)
    {
        _watermark = watermark;
        _lastPassStartedAt = watermark;
        status.Started(watermark);
    }

    /// <summary>
    /// One pass over the feed, from the watermark minus the overlap to its end: adds what the index lacks, moves the watermark
    /// to the newest write seen, removes what has expired.
    /// </summary>
    /// <remarks>
    /// A complete pass that started at T has seen every write stamped before T minus the overlap, so the next one starts no
    /// earlier than that: an idle host reads an empty window instead of the last overlap's writes on every poll.
    /// </remarks>
    public async Task PollOnceAsync(CancellationToken cancellationToken)
    {
        var startedAt = timeProvider.GetUtcNow();
        var cursor = new SalesFeedCursor(Max(_watermark, _lastPassStartedAt) - _options.Overlap);
        var newest = _watermark;
        var applied = 0;
        while (true)
        {
            var entries = await feed.ReadFeedAsync(cursor, _options.PageSize, cancellationToken);
            if (entries.Count == 0)
            {
                break;
            }

            var missing = entries.Where(e => !index.Contains(e.Tenant, e.SaleId)).ToList();
            if (missing.Count > 0)
            {
                foreach (var sale in await feed.GetFeedSalesAsync(missing, cancellationToken))
                {
                    if (index.Add(sale))
                    {
                        applied++;
                    }
                }
            }

            newest = Max(newest, entries[^1].WrittenAt);
            if (entries.Count < _options.PageSize)
            {
                break;
            }

            cursor = cursor with { After = entries[^1] };
        }

        Advance(newest, applied, cancellationToken);
        _lastPassStartedAt = Max(_lastPassStartedAt, startedAt);
    }

    private void Advance(DateTimeOffset newest, int applied, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var seen = newest > _watermark ? newest : (DateTimeOffset?)null;
        _watermark = Max(newest, _watermark);
        // The store stops returning a sale once sold_at + retention has passed; the index follows on the same clock.
        var expired = index.RemoveSoldBefore(timeProvider.GetUtcNow() - store.RetentionPeriod);
        status.CaughtUp(_watermark, seen, applied, expired);
        metrics.RecordApplied(applied);
        metrics.RecordExpired(expired);
        if (applied > 0 || expired > 0)
        {
            LogApplied(logger, applied, expired, _watermark);
        }
    }

    /// <summary>Every <see cref="SalesFeedOptions.HeartbeatInterval"/>, this host's freshness into the store for <c>/ops/sync</c>.</summary>
    internal async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        if (now - _lastHeartbeat < _options.HeartbeatInterval)
        {
            return;
        }

        var snapshot = status.Snapshot();
        try
        {
            await feed.RecordHeartbeatAsync(
                new SalesFeedHeartbeat(status.HostName, now, snapshot.Watermark, snapshot.LastSaleSeenAt, snapshot.Lag), cancellationToken);
            _lastHeartbeat = now;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The store is what lags: the next heartbeat tries again, the lag alert covers the rest.
            LogHeartbeatFailed(logger, ex);
        }
    }

    internal async Task AlertOnLagAsync(CancellationToken cancellationToken)
    {
        var snapshot = status.Snapshot();
        if (snapshot.Lag is not { } lag)
        {
            return;
        }

        if (lag <= _options.LagAlertThreshold)
        {
            if (_lagAlerted)
            {
                _lagAlerted = false;
                LogCaughtUp(logger, lag.TotalSeconds);
            }

            return;
        }

        if (_lagAlerted)
        {
            return;
        }

        _lagAlerted = true;
        LogLagging(logger, lag.TotalSeconds, _options.LagAlertThreshold.TotalSeconds);
        await alerts.PublishAsync(new Alert(
            "sales-feed", AlertSeverity.Warning, $"Sales index on {status.HostName} is {lag.TotalSeconds:0} s behind the store",
            $"The host's last complete read of the sales feed was {lag.TotalSeconds:0} s ago (threshold {_options.LagAlertThreshold.TotalSeconds:0} s); "
            + $"its watermark is {snapshot.Watermark:O}. Last error: {snapshot.LastError ?? "none"}.",
            null, timeProvider.GetUtcNow(), "/ops/sync"), cancellationToken);
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Reading the sales feed failed; the next poll tries again")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Sales feed: {Applied} sale(s) added, {Expired} expired, watermark {Watermark:O}")]
    private static partial void LogApplied(ILogger logger, int applied, int expired, DateTimeOffset watermark);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Sales index is {LagSeconds:0} s behind the store (threshold {ThresholdSeconds:0} s)")]
    private static partial void LogLagging(ILogger logger, double lagSeconds, double thresholdSeconds);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Recording this host's sales-feed heartbeat failed")]
    private static partial void LogHeartbeatFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Sales index caught up with the store ({LagSeconds:0.0} s behind)")]
    private static partial void LogCaughtUp(ILogger logger, double lagSeconds);
}
