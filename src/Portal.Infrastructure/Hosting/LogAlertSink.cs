using Portal.Core.Jobs;

namespace Portal.Infrastructure.Hosting;

/// <summary>Writes every alert to the log (always registered, so an alert is never lost when no other sink is configured).</summary>
public sealed partial class LogAlertSink(ILogger<LogAlertSink> logger) : IAlertSink
{
    public Task SendAsync(Alert alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var level = alert.Severity switch
        {
            AlertSeverity.Critical => LogLevel.Error,
            AlertSeverity.Warning => LogLevel.Warning,
            _ => LogLevel.Information,
        };
        LogAlert(logger, level, alert.Source, alert.Severity, alert.Tenant?.Value, alert.Title, alert.Message, alert.DetailUrl);
        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 1, Message = "Alert from {Source} ({Severity}) for tenant {TenantId}: {Title}. {AlertMessage} {DetailUrl}")]
    private static partial void LogAlert(ILogger logger, LogLevel level, string source, AlertSeverity severity, string? tenantId, string title, string alertMessage, string? detailUrl);
}
