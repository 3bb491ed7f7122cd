using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;

namespace Portal.Infrastructure.Tests.Worker;

/// <summary>
/// The real <c>Portal.Worker</c> host as a child process (<c>dotnet portal-worker.dll</c> from the worker's own output folder),
/// configured through environment variables, its stdout and stderr kept for the test output.
/// </summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    private const int MaxKeptLines = 2_000;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private WorkerProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>The worker's output so far, each line prefixed with the run's name.</summary>
    public IReadOnlyList<string> Output => [.. _lines];

    /// <summary>The worker's entry assembly, as the test project's build recorded it.</summary>
    public static string WorkerDll
    {
        get
        {
            var path = typeof(WorkerProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .SingleOrDefault(a => a.Key == "PortalWorkerPath")?.Value;
            if (string.IsNullOrEmpty(path) || !File.Exists(path))
            {
                throw new InvalidOperationException($"The worker assembly was not found at '{path}': build tests/Portal.Infrastructure.Tests (it builds src/Portal.Worker first).");
            }

            return path;
        }
    }

    /// <summary>The portal's entry assembly (<c>Portal.Web.dll</c>), as the test project's build recorded it.</summary>
    public static string PortalDll => RecordedPath("PortalWebPath", "portal");

    /// <summary>The <c>portal</c> tool's entry assembly, as the test project's build recorded it.</summary>
    public static string CliDll => RecordedPath("PortalCliPath", "portal tool");

    public static WorkerProcess Start(string name, IReadOnlyDictionary<string, string> environment, string workingDirectory) =>
        Start(name, WorkerDll, [], environment, workingDirectory);

    /// <summary>Any of the solution's hosts (<see cref="WorkerDll"/>, <see cref="PortalDll"/>, <see cref="CliDll"/>) as a child process.</summary>
    public static WorkerProcess Start(
        string name, string dll, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, string workingDirectory)
    {
        var start = new ProcessStartInfo(DotnetHost(), [dll, .. arguments])
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var worker = new WorkerProcess(process, name);
        process.OutputDataReceived += (_, e) => worker.Keep("out", e.Data);
        process.ErrorDataReceived += (_, e) => worker.Keep("err", e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {start.FileName} {dll}.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    /// <summary>Waits for the process to end on its own; its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var wait = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(wait.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL for the worker and anything it started: no shutdown hooks, no drain, no flush.</summary>
    public async Task KillHardAsync(TimeSpan timeout)
    {
        _process.Kill(entireProcessTree: true);
        using var wait = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(wait.Token);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                await KillHardAsync(TimeSpan.FromSeconds(30));
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already gone.
        }

        _process.Dispose();
    }

    private static string RecordedPath(string key, string what)
    {
        var path = typeof(WorkerProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == key)?.Value;
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
        {
            throw new InvalidOperationException($"The {what} assembly was not found at '{path}': build tests/Portal.Infrastructure.Tests.");
        }

        return path;
    }

    /// <summary>The <c>dotnet</c> host running this test (the SDK sets DOTNET_HOST_PATH), else the one on the PATH.</summary>
    private static string DotnetHost()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            return host;
        }

        var current = Environment.ProcessPath;
        return current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
    }

    private void Keep(string stream, string? line)
    {
        if (line is null)
        {
            return;
        }

        _lines.Enqueue($"[{Name} {stream}] {line}");
        while (_lines.Count > MaxKeptLines && _lines.TryDequeue(out _))
        {
        }
    }
}
