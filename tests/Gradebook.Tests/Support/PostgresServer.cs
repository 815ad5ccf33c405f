using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Gradebook.Tests.Support;

/// <summary>
/// A throwaway PostgreSQL cluster made from this machine's server binaries (<c>initdb</c> + <c>pg_ctl</c>) in a temporary
/// directory, listening on a free loopback port, shared by the tests of the <see cref="PostgresTestGroup"/> and removed
/// afterwards. Each test asks it for a database of its own.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string CollectionName = "PostgreSQL";

    private const string RequireVariable = "GRADEBOOK_REQUIRE_POSTGRES";
    private const string Superuser = "gradebook";

    private static readonly Lazy<string?> BinDirectory = new(FindBinDirectory);

    private string? _root;
    private string? _adminConnectionString;
    private Exception? _startFailure;

    /// <summary>Why the PostgreSQL tests are skipped here, or null when they run (binaries found, or required).</summary>
    public static string? SkipReason => BinDirectory.Value is null && Environment.GetEnvironmentVariable(RequireVariable) != "1"
        ? $"No PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql/*/bin or on PATH; install PostgreSQL, or set {RequireVariable}=1 to fail instead of skipping."
        : null;

    public int Port { get; private set; }

    /// <summary>Creates an empty database of its own and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var admin = AdminConnectionString();
        var name = $"gradebook_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(admin) { Database = name, Pooling = true }.ToString();
    }

    public async Task InitializeAsync()
    {
        if (BinDirectory.Value is not { } bin)
        {
            _startFailure = new InvalidOperationException(
                $"{RequireVariable}=1 but no PostgreSQL server binaries (initdb, pg_ctl) were found under /usr/lib/postgresql/*/bin or on PATH.");
            return;
        }

        try
        {
            await StartAsync(bin);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
        {
            _startFailure = e;
        }
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_root is null)
        {
            return;
        }

        if (_adminConnectionString is not null && BinDirectory.Value is { } bin)
        {
            await RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", DataDirectory, "-m", "immediate", "-w", "stop"], allowFailure: true);
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean up with the rest of the temporary directory.
        }
    }

    private string DataDirectory => Path.Combine(_root!, "data");

    private string AdminConnectionString() => _adminConnectionString
        ?? throw new InvalidOperationException("The PostgreSQL test server could not be started.", _startFailure);

    private async Task StartAsync(string bin)
    {
        // World-writable, so that the postgres user can create the data directory and its socket in it when we are root.
        _root = Directory.CreateTempSubdirectory("gradebook-postgres-").FullName;
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_root, (UnixFileMode)0b111_111_111);
        }

        string[] initdb = ["-D", DataDirectory, "-U", Superuser, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"];

        // An English default collation, where "amy" sorts before "Amy", so the tests prove that the store's
        // code point orders do not depend on the server's locale. A server built without ICU gets "C".
        var (icu, _) = await RunAsync(Path.Combine(bin, "initdb"), [.. initdb, "--locale-provider=icu", "--icu-locale=en"], allowFailure: true);
        if (icu != 0)
        {
            if (Directory.Exists(DataDirectory))
            {
                Directory.Delete(DataDirectory, recursive: true);
            }

            await RunAsync(Path.Combine(bin, "initdb"), initdb);
        }

        // A port taken between our probe and the server's bind only costs another try.
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort();
            var settings = $"-c listen_addresses=127.0.0.1 -p {Port} -c unix_socket_directories={_root} "
                + "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200";
            var (exitCode, output) = await RunAsync(Path.Combine(bin, "pg_ctl"),
                ["-D", DataDirectory, "-l", Path.Combine(_root, "server.log"), "-o", settings, "-w", "-t", "60", "start"], allowFailure: true);
            if (exitCode == 0)
            {
                break;
            }

            if (attempt == 3)
            {
                var log = File.Exists(Path.Combine(_root, "server.log")) ? await File.ReadAllTextAsync(Path.Combine(_root, "server.log")) : "";
                throw new InvalidOperationException($"pg_ctl start failed ({exitCode}): {output}\n{log}");
            }
        }

        _adminConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = Superuser,
            Database = "postgres",
            Pooling = false,
        }.ToString();
    }

    /// <summary>Runs a server binary; as root, as the postgres user, since the server refuses to run as root.</summary>
    private static async Task<(int ExitCode, string Output)> RunAsync(string program, IReadOnlyList<string> arguments, bool allowFailure = false)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (Environment.UserName == "root")
        {
            start.FileName = "runuser";
            foreach (var argument in (string[])["-u", "postgres", "--", program])
            {
                start.ArgumentList.Add(argument);
            }
        }
        else
        {
            start.FileName = program;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var output = (await stdout) + (await stderr);
        if (process.ExitCode != 0 && !allowFailure)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} failed ({process.ExitCode}): {output}");
        }

        return (process.ExitCode, output);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The newest /usr/lib/postgresql/N/bin with initdb, else the directory of an initdb on PATH.</summary>
    private static string? FindBinDirectory()
    {
        var versioned = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (Version: int.TryParse(Path.GetFileName(d), out var v) ? v : -1, Bin: Path.Combine(d, "bin")))
                .Where(d => File.Exists(Path.Combine(d.Bin, "initdb")) && File.Exists(Path.Combine(d.Bin, "pg_ctl")))
                .OrderByDescending(d => d.Version)
                .Select(d => d.Bin)
                .FirstOrDefault()
            : null;
        return versioned ?? (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
    }
}

/// <summary>The tests that share one <see cref="PostgresServer"/>; they run one after another.</summary>
[CollectionDefinition(PostgresServer.CollectionName)]
public sealed class PostgresTestGroup : ICollectionFixture<PostgresServer>;

/// <summary>A fact that needs a PostgreSQL server: skipped, with the reason, where none can be started.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute() => Skip = PostgresServer.SkipReason;
}
