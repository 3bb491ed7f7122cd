using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Portal.Infrastructure.Tests.SmartGo;

/// <summary>
/// A real PostgreSQL for the SmartGo tests: the server named by <c>PORTAL_TEST_POSTGRES</c> (a connection string whose user
/// may create databases; <c>.ci/run</c> sets it), or else a throwaway cluster started here with the Debian binaries
/// (<c>/usr/lib/postgresql/*/bin</c>) on 127.0.0.1 and a free port, as the <c>postgres</c> user when running as root, in a
/// temporary folder, stopped at the end. When neither works, <see cref="SkipReason"/> says why and the tests skip.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public const string EnvironmentVariable = "PORTAL_TEST_POSTGRES";

    private string? _clusterDirectory;
    private string? _pgCtl;
    private bool _asPostgresUser;

    public string? AdminConnectionString { get; private set; }

    public string? SkipReason { get; private set; }

    public async Task InitializeAsync()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            AdminConnectionString = configured;
            return;
        }

        try
        {
            AdminConnectionString = await StartThrowawayClusterAsync();
        }
        catch (Exception ex)
        {
            SkipReason = $"No PostgreSQL: set {EnvironmentVariable} to a connection string (CREATE DATABASE allowed), or install Debian's postgresql " +
                $"so a throwaway cluster can start ({ex.Message}).";
        }
    }

    /// <summary>A fresh, empty database with the documented source schema applied; returns its connection string.</summary>
    public async Task<string> CreateSourceDatabaseAsync()
    {
        var name = "smartgo_" + Guid.NewGuid().ToString("N")[..12];
        await using (var admin = new NpgsqlConnection(AdminConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }

        var connectionString = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = false }.ConnectionString;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var schema = new NpgsqlCommand(await File.ReadAllTextAsync(SourceSchemaPath()), connection);
        await schema.ExecuteNonQueryAsync();
        return connectionString;
    }

    public async Task DisposeAsync()
    {
        if (_clusterDirectory is null)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await RunAsync(_pgCtl!, ["-D", Path.Combine(_clusterDirectory, "data"), "-m", "immediate", "-w", "stop"], throwOnFailure: false);
        try
        {
            Directory.Delete(_clusterDirectory, recursive: true);
        }
        catch (IOException)
        {
            // The server may still be letting go of its files; the temp folder is cleaned by the system.
        }
    }

    /// <summary>docs/smartgo/source-schema.sql, found by walking up from the test binaries to the repository root.</summary>
    public static string SourceSchemaPath()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "docs", "smartgo", "source-schema.sql");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("docs/smartgo/source-schema.sql was not found above the test binaries.");
    }

    private async Task<string> StartThrowawayClusterAsync()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(v => Path.Combine(v, "bin"))
                .Where(b => File.Exists(Path.Combine(b, "initdb")) && File.Exists(Path.Combine(b, "pg_ctl")))
                .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out var major) ? major : 0)
                .FirstOrDefault()
            : null;
        if (bin is null)
        {
            throw new InvalidOperationException("no /usr/lib/postgresql/*/bin/initdb and pg_ctl");
        }

        _pgCtl = Path.Combine(bin, "pg_ctl");
        _asPostgresUser = Environment.UserName == "root";
        _clusterDirectory = Directory.CreateTempSubdirectory("portal-pg-").FullName;
        if (_asPostgresUser)
        {
            await RunAsync("chown", ["postgres:postgres", _clusterDirectory], throwOnFailure: true, asPostgres: false);
        }

        var data = Path.Combine(_clusterDirectory, "data");
        await RunAsync(Path.Combine(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale"], throwOnFailure: true);
        var port = FreePort();
        await RunAsync(_pgCtl, ["-D", data, "-l", Path.Combine(_clusterDirectory, "server.log"), "-w", "-t", "60",
            "-o", $"-p {port} -k {_clusterDirectory} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50", "start"], throwOnFailure: true);
        return $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false";
    }

    private async Task RunAsync(string file, IReadOnlyList<string> arguments, bool throwOnFailure, bool? asPostgres = null)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (asPostgres ?? _asPostgresUser)
        {
            start.FileName = "runuser";
            foreach (var argument in (string[])["-u", "postgres", "--", file, .. arguments])
            {
                start.ArgumentList.Add(argument);
            }
        }
        else
        {
            start.FileName = file;
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (throwOnFailure && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} exited with {process.ExitCode}: {(await error).Trim()} {(await output).Trim()}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "PostgreSQL";
}
