using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Portal.Testing.Aws;

/// <summary>
/// dynalite (DynamoDB-compatible), s3rver (S3-compatible) or the Entra-shaped OpenID Connect provider (oauth2-mock-server), the
/// pinned versions in <c>tests/tools/package.json</c>, started as a child process on a free loopback port and killed on dispose. The packages are installed with <c>npm ci</c> on first use when
/// <c>node_modules</c> is missing (the continuous-integration script installs them up front).
/// </summary>
public sealed class NodeTestServer : IAsyncDisposable
{
    private static readonly SemaphoreSlim InstallGate = new(1, 1);
    private readonly Process _process;
    private readonly string? _dataDirectory;

    private NodeTestServer(Process process, int port, string? dataDirectory, string scheme)
    {
        _process = process;
        _dataDirectory = dataDirectory;
        ServiceUrl = $"{scheme}://127.0.0.1:{port}";
    }

    /// <summary><c>http://127.0.0.1:PORT</c> (https for a server given a certificate), as the SDKs' <c>ServiceURL</c> takes it.</summary>
    public string ServiceUrl { get; }

    /// <summary>dynalite, in memory.</summary>
    public static Task<NodeTestServer> StartDynaliteAsync(CancellationToken cancellationToken = default) =>
        StartAsync("dynalite", Path.Combine("node_modules", "dynalite", "cli.js"), port =>
            ["--host", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
             // Tables become ACTIVE at once (dynalite's default is half a second), so fixtures need not wait.
             "--createTableMs", "0", "--updateTableMs", "0", "--deleteTableMs", "0"], null, cancellationToken);

    /// <summary>s3rver over a fresh temporary directory (removed on dispose).</summary>
    public static Task<NodeTestServer> StartS3rverAsync(CancellationToken cancellationToken = default)
    {
        var directory = Directory.CreateTempSubdirectory("portal-s3rver-").FullName;
        return StartAsync("s3rver", Path.Combine("node_modules", "s3rver", "bin", "s3rver.js"), port =>
            ["--address", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--directory", directory, "--silent"],
            directory, cancellationToken, S3rverTestKeysPreload());
    }

    /// <summary>
    /// <c>tests/tools/entra-test-provider.mjs</c>: oauth2-mock-server laid out like Entra ID (per-tenant metadata, issuer
    /// <c>{ServiceUrl}/{tid}/v2.0</c>, the <c>oauth2/v2.0</c> endpoints), its claims chosen by the test.
    /// Served over HTTPS with the given PEM certificate and key.
    /// </summary>
    public static Task<NodeTestServer> StartEntraTestProviderAsync(string certificatePemFile, string keyPemFile, CancellationToken cancellationToken = default) =>
        StartAsync("the OpenID Connect provider", "entra-test-provider.mjs", port =>
            ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--cert", certificatePemFile, "--key", keyPemFile],
            null, cancellationToken, scheme: "https");

    /// <summary>s3rver 3.7 knows only the access key <c>S3RVER</c> (and does not check v4 signatures): a preload registers
    /// <see cref="TestAwsKeys"/> as well, so every client of the tests signs with the same dummy keys.</summary>
    private static string[] S3rverTestKeysPreload()
    {
        var account = Path.Combine(ToolsDirectory(), "node_modules", "s3rver", "lib", "models", "account.js");
        var code = $"import {{ createRequire }} from 'node:module'; createRequire({System.Text.Json.JsonSerializer.Serialize(account)})({System.Text.Json.JsonSerializer.Serialize(account)})" +
            $".DUMMY_ACCOUNT.createKeyPair({System.Text.Json.JsonSerializer.Serialize(TestAwsKeys.AccessKeyId)}, {System.Text.Json.JsonSerializer.Serialize(TestAwsKeys.SecretAccessKey)});";
        return ["--import", "data:text/javascript," + Uri.EscapeDataString(code)];
    }

    /// <summary>The folder holding <c>package.json</c> and <c>node_modules</c> of the test servers.</summary>
    public static string ToolsDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "tools");
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("tests/tools/package.json was not found above " + AppContext.BaseDirectory + ".");
    }

    private static async Task<NodeTestServer> StartAsync(string tool, string script, Func<int, string[]> arguments, string? dataDirectory, CancellationToken cancellationToken, string[]? nodeArguments = null, string scheme = "http")
    {
        var tools = ToolsDirectory();
        await EnsureInstalledAsync(tools, cancellationToken);
        var port = FreePort();
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = tools,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var nodeArgument in nodeArguments ?? [])
        {
            start.ArgumentList.Add(nodeArgument);
        }

        start.ArgumentList.Add(Path.Combine(tools, script));
        foreach (var argument in arguments(port))
        {
            start.ArgumentList.Add(argument);
        }

        // s3rver 3.7 signs continuation tokens with a cipher that OpenSSL 3 only offers through the legacy provider.
        start.Environment["NODE_OPTIONS"] = "--openssl-legacy-provider";
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start node for {tool}.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new NodeTestServer(process, port, dataDirectory, scheme);
        try
        {
            await WaitForPortAsync(process, tool, port, cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private static async Task EnsureInstalledAsync(string tools, CancellationToken cancellationToken)
    {
        await InstallGate.WaitAsync(cancellationToken);
        // Test assemblies run in parallel processes: an exclusive lock file keeps two of them from installing at once.
        FileStream? processLock = null;
        try
        {
            var lockPath = Path.Combine(tools, ".install.lock");
            var deadline = DateTime.UtcNow.AddMinutes(5);
            while (processLock is null)
            {
                try
                {
                    processLock = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
                }
                catch (IOException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(200, cancellationToken);
                }
            }

            if (File.Exists(Path.Combine(tools, "node_modules", "dynalite", "cli.js")) && File.Exists(Path.Combine(tools, "node_modules", "s3rver", "bin", "s3rver.js"))
                && File.Exists(Path.Combine(tools, "node_modules", "oauth2-mock-server", "package.json"))
                && File.Exists(Path.Combine(tools, "node_modules", "axe-core", "axe.min.js")))
            {
                return;
            }

            var npm = new ProcessStartInfo("npm") { WorkingDirectory = tools, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { "ci", "--no-audit", "--no-fund" })
            {
                npm.ArgumentList.Add(argument);
            }

            using var process = Process.Start(npm) ?? throw new InvalidOperationException("Could not start npm to install the test servers.");
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            _ = await process.StandardOutput.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"npm ci in {tools} failed ({process.ExitCode}): {await stderr}");
            }
        }
        finally
        {
            processLock?.Dispose();
            InstallGate.Release();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitForPortAsync(Process process, string tool, int port, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{tool} exited with code {process.ExitCode} before listening on port {port}.");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
        if (_dataDirectory is not null)
        {
            try
            {
                Directory.Delete(_dataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
