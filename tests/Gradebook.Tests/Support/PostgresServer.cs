namespace Gradebook.Tests.Support;

/// <summary>
/// The PostgreSQL cluster the tests of the <see cref="PostgresTestGroup"/> share: started once, without fsync, with an
/// English default collation (where "amy" sorts before "Amy", so the tests prove that the store's code point orders do
/// not depend on the server's locale; a server built without ICU gets "C"). Each test asks it for a database of its own.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string CollectionName = "PostgreSQL";

    private const string RequireVariable = "GRADEBOOK_REQUIRE_POSTGRES";

    private PostgresCluster? _cluster;
    private Exception? _startFailure;

    /// <summary>Why the PostgreSQL tests are skipped here, or null when they run (binaries found, or required).</summary>
    public static string? SkipReason => PostgresCluster.BinDirectory is null && Environment.GetEnvironmentVariable(RequireVariable) != "1"
        ? $"No PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql/*/bin or on PATH; install PostgreSQL, or set {RequireVariable}=1 to fail instead of skipping."
        : null;

    /// <summary>Creates an empty database of its own and returns its connection string.</summary>
    public Task<string> CreateDatabaseAsync() =>
        (_cluster ?? throw new InvalidOperationException("The PostgreSQL test server could not be started.", _startFailure)).CreateDatabaseAsync();

    /// <summary>A hot standby of the server, streaming from it, for tests of reads from a replica; the caller disposes it.</summary>
    internal Task<PostgresCluster> StartStandbyAsync() =>
        (_cluster ?? throw new InvalidOperationException("The PostgreSQL test server could not be started.", _startFailure)).StartStandbyAsync();

    public async Task InitializeAsync()
    {
        try
        {
            _cluster = await PostgresCluster.StartAsync(durable: false, icuLocale: "en");
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
        {
            _startFailure = PostgresCluster.BinDirectory is null
                ? new InvalidOperationException($"{RequireVariable}=1 but no PostgreSQL server binaries (initdb, pg_ctl) were found under /usr/lib/postgresql/*/bin or on PATH.", e)
                : e;
        }
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
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
