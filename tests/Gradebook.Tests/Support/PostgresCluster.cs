using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Gradebook.Tests.Support;

/// <summary>
/// A throwaway PostgreSQL cluster made from this machine's server binaries (<c>initdb</c> + <c>pg_ctl</c>) in a temporary
/// directory, listening on a free loopback port, removed on disposal. Durable clusters keep PostgreSQL's default
/// fsync and synchronous commit (for benchmarks); the others turn them off (for tests).
/// </summary>
internal sealed class PostgresCluster : IAsyncDisposable
{
    private const string Superuser = "gradebook";

    private readonly string _bin;
    private readonly string _root;
    private readonly string _admin;

    private PostgresCluster(string bin, string root, int port)
    {
        _bin = bin;
        _root = root;
        Port = port;
        _admin = new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = port, Username = Superuser, Database = "postgres", Pooling = false }.ToString();
    }

    public int Port { get; }

    /// <summary>The newest /usr/lib/postgresql/N/bin with initdb, else the directory of an initdb on PATH; null when there is none.</summary>
    public static string? BinDirectory { get; } = FindBinDirectory();

    public static async Task<PostgresCluster> StartAsync(bool durable, string? icuLocale = null)
    {
        var bin = BinDirectory ?? throw new InvalidOperationException("No PostgreSQL server binaries (initdb, pg_ctl) were found.");

        // World-writable, so that the postgres user can create the data directory and its socket in it when we are root.
        var root = Directory.CreateTempSubdirectory("gradebook-postgres-").FullName;
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(root, (UnixFileMode)0b111_111_111);
        }

        var data = Path.Combine(root, "data");
        string[] initdb = ["-D", data, "-U", Superuser, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"];
        var icu = icuLocale is null ? 1 : (await RunAsync(Path.Combine(bin, "initdb"), [.. initdb, "--locale-provider=icu", $"--icu-locale={icuLocale}"], allowFailure: true)).ExitCode;
        if (icu != 0)
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }

            await RunAsync(Path.Combine(bin, "initdb"), initdb);
        }

        return await StartServerAsync(bin, root, durable);
    }

    /// <summary>
    /// A hot standby of this cluster, streaming from it: a base backup taken with <c>pg_basebackup -R</c> (which writes
    /// the standby's connection to this primary), started on a port of its own. Every database of the primary is on it.
    /// </summary>
    public async Task<PostgresCluster> StartStandbyAsync()
    {
        var root = Directory.CreateTempSubdirectory("gradebook-standby-").FullName;
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(root, (UnixFileMode)0b111_111_111);
        }

        await RunAsync(
            Path.Combine(_bin, "pg_basebackup"),
            ["-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", Superuser, "-D", Path.Combine(root, "data"), "-R", "-X", "stream", "-c", "fast", "--no-sync"]);
        return await StartServerAsync(_bin, root, durable: false);
    }

    /// <summary>The connection string of the same database on this cluster (a standby holds the primary's databases).</summary>
    public string SameDatabase(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Port = Port }.ToString();

    private static async Task<PostgresCluster> StartServerAsync(string bin, string root, bool durable)
    {
        var data = Path.Combine(root, "data");

        // A port taken between our probe and the server's bind only costs another try.
        for (var attempt = 1; ; attempt++)
        {
            var port = Ports.Free();
            var settings = $"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={root} -c max_connections=200"
                + (durable ? " -c shared_buffers=256MB" : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
            var log = Path.Combine(root, "server.log");
            var (exitCode, output) = await RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", data, "-l", log, "-o", settings, "-w", "-t", "60", "start"], allowFailure: true);
            if (exitCode == 0)
            {
                return new PostgresCluster(bin, root, port);
            }

            if (attempt == 3)
            {
                throw new InvalidOperationException($"pg_ctl start failed ({exitCode}): {output}\n{(File.Exists(log) ? await File.ReadAllTextAsync(log) : "")}");
            }
        }
    }

    /// <summary>Creates an empty database of its own and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"gradebook_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(_admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(_admin) { Database = name, Pooling = true }.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", Path.Combine(_root, "data"), "-m", "immediate", "-w", "stop"], allowFailure: true);
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean up with the rest of the temporary directory.
        }
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
            FileName = Environment.UserName == "root" ? "runuser" : program,
        };
        if (Environment.UserName == "root")
        {
            foreach (var argument in (string[])["-u", "postgres", "--", program])
            {
                start.ArgumentList.Add(argument);
            }
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
