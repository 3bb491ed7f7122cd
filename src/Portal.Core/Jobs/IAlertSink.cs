using Portal.Core.Sales;

namespace Portal.Core.Jobs;

public enum AlertSeverity
{
    Info,
    Warning,
    Critical,
}

/// <summary>An operational alert (validation variance, dead letters…); <see cref="Source"/> names the job or component.</summary>
public sealed record Alert(string Source, AlertSeverity Severity, string Title, string Message, TenantId? Tenant, DateTimeOffset RaisedAt, string? DetailUrl = null);

/// <summary>Where alerts go: the log and a webhook embedded; SNS in production. Every registered sink receives every alert.</summary>
public interface IAlertSink
{
    Task SendAsync(Alert alert, CancellationToken cancellationToken);
}
