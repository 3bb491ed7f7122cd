using Microsoft.Extensions.Logging;
using Portal.Core.Jobs;

namespace Portal.Core.Jobs;

/// <summary>Sends an alert to every registered sink; a failing sink is logged and never fails the caller or the other sinks.</summary>
public sealed partial class AlertPublisher(IEnumerable<IAlertSink> sinks, ILogger<AlertPublisher> logger)
{
    private readonly IAlertSink[] _sinks = sinks.ToArray();

    /// <summary>Returns how many sinks accepted the alert.</summary>
    public async Task<int> PublishAsync(Alert alert, CancellationToken cancellationToken)
    {
        var delivered = 0;
        foreach (var sink in _sinks)
        {
            try
            {
                await sink.SendAsync(alert, cancellationToken);
                delivered++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogSinkFailed(logger, sink.GetType().Name, alert.Title, ex);
            }
        }

        return delivered;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Alert sink {Sink} failed to deliver '{Title}'")]
    private static partial void LogSinkFailed(ILogger logger, string sink, string title, Exception exception);
}
