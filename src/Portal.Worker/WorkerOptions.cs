using System.ComponentModel.DataAnnotations;

namespace Portal.Worker;

/// <summary>Section <c>Worker</c>.</summary>
public sealed class WorkerOptions
{
    public const string SectionName = "Worker";

    /// <summary>How often the worker writes its status line to the log.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00", ErrorMessage = "Worker:HealthLogInterval must be between 00:00:05 and 01:00:00.")]
    public TimeSpan HealthLogInterval { get; set; } = TimeSpan.FromMinutes(1);
}
