using System.Data.Common;
using System.Globalization;
using Dapper;

namespace Gradebook.Storage;

/// <summary>The schema: applies every migration this build has that the database lacks, and reports which it has.</summary>
internal sealed class Migrations(StoreEngine engine)
{
    /// <summary>The versions this build knows, in order.</summary>
    public IReadOnlyList<int> Known { get; } = [.. Sql.Migrations(engine.Dialect).Select(m => m.Version)];

    /// <summary>
    /// Applies every migration not yet recorded in <c>schema_migrations</c>, each in its own transaction; returns the
    /// schema version. A database that cannot be reached or prepared is a <see cref="StoreUnavailableException"/>.
    /// <paramref name="through"/> stops at that version, as a database written by an older build would be.
    /// </summary>
    public async Task<int> MigrateAsync(CancellationToken cancellationToken, int? through = null)
    {
        try
        {
            await using var connection = await engine.OpenAsync(cancellationToken);
            await engine.PrepareAsync(connection, cancellationToken);
            await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
            {
                // Under the lock too: on PostgreSQL, two instances creating the table at once can both try, and one fail.
                await engine.LockForMigrationAsync(connection, transaction, cancellationToken);
                await connection.ExecuteAsync(new CommandDefinition(
                    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
                    transaction: transaction,
                    cancellationToken: cancellationToken));
                await transaction.CommitAsync(cancellationToken);
            }

            var migrations = Sql.Migrations(engine.Dialect).Where(m => m.Version <= (through ?? int.MaxValue)).ToList();
            foreach (var migration in migrations)
            {
                await ApplyAsync(connection, migration, cancellationToken);
            }

            // PostgreSQL's raw record is partitioned by day from migration 0016 on: writes need today's partition.
            if (migrations[^1].Version >= RawRecordPartitions.SinceMigration)
            {
                await new RawRecordPartitions(engine).EnsureAheadAsync(RawRecordPartitions.DefaultDaysAhead, cancellationToken);
            }

            return migrations[^1].Version;
        }
        catch (Exception e) when (engine.Unavailable(e) is { } unavailable)
        {
            throw unavailable;
        }
    }

    public async Task<IReadOnlyList<int>> AppliedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await engine.OpenAsync(cancellationToken);
        var versions = await connection.QueryAsync<long>(
            new CommandDefinition("SELECT version FROM schema_migrations ORDER BY version", cancellationToken: cancellationToken));
        return [.. versions.Select(v => (int)v)];
    }

    private async Task ApplyAsync(DbConnection connection, Migration migration, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await engine.LockForMigrationAsync(connection, transaction, cancellationToken);
        var applied = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM schema_migrations WHERE version = @version",
            new { version = migration.Version },
            transaction,
            cancellationToken: cancellationToken));
        if (applied > 0)
        {
            return;
        }

        await connection.ExecuteAsync(new CommandDefinition(migration.Sql, transaction: transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, @applied_at)",
            new { version = migration.Version, name = migration.Name, applied_at = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture) },
            transaction,
            cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }
}
