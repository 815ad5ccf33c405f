using Dapper;

namespace Gradebook.Storage;

/// <summary>
/// Reads from a PostgreSQL hot standby (<c>ConnectionStrings:GradebookRead</c>) while writes stay on the primary: the
/// four reads go to the replica, everything else (feeds, imports, the fleet, migrations) to the primary. The replica
/// may be behind; how far is measured here for <c>/readyz</c>.
/// </summary>
internal sealed class ReadReplica(StoreEngine primary, [FromKeyedServices(ReadReplica.Key)] StoreEngine reads)
{
    public const string Key = "reads";
    public const string ConnectionStringName = "GradebookRead";

    /// <summary>Whether reads go to a replica at all.</summary>
    public bool Configured => !ReferenceEquals(primary, reads);

    public static StoreEngine Open(IConfiguration configuration, string connectionString) =>
        configuration.GetSection(StorageOptions.Section).Get<StorageOptions>()?.Provider == StorageProvider.Postgres
            ? new PostgresEngine(connectionString)
            : throw new StoreUnavailableException(
                $"ConnectionStrings:{ConnectionStringName} names a read replica, which only Storage:Provider=Postgres has.",
                new NotSupportedException());

    /// <summary>The schema versions the replica has replayed (none yet when it has not replayed the first migration).</summary>
    public async Task<IReadOnlyList<int>> AppliedMigrationsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await reads.OpenAsync(cancellationToken);
        var exists = await connection.ExecuteScalarAsync<bool>(
            new CommandDefinition("SELECT to_regclass('schema_migrations') IS NOT NULL", cancellationToken: cancellationToken));
        return exists
            ? [.. await connection.QueryAsync<int>(new CommandDefinition("SELECT version FROM schema_migrations ORDER BY version", cancellationToken: cancellationToken))]
            : [];
    }

    /// <summary>
    /// How far the replica is behind the primary: zero once it has replayed all the primary had written when asked,
    /// otherwise the age of the last transaction it replayed.
    /// </summary>
    public async Task<TimeSpan> LagAsync(CancellationToken cancellationToken)
    {
        await using var primaryConnection = await primary.OpenAsync(cancellationToken);
        var written = await primaryConnection.ExecuteScalarAsync<string>(
            new CommandDefinition("SELECT pg_current_wal_lsn()::text", cancellationToken: cancellationToken));
        await using var replicaConnection = await reads.OpenAsync(cancellationToken);
        var seconds = await replicaConnection.ExecuteScalarAsync<double>(new CommandDefinition(
            """
            SELECT CASE WHEN NOT pg_is_in_recovery() OR pg_last_wal_replay_lsn() >= CAST(@written AS pg_lsn) THEN 0
                        ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 'Infinity') END
            """,
            new { written },
            cancellationToken: cancellationToken));
        return double.IsFinite(seconds) ? TimeSpan.FromSeconds(seconds) : TimeSpan.MaxValue;
    }
}
