using System.Data.Common;
using System.Globalization;
using System.Text.RegularExpressions;
using Dapper;
using Npgsql;

namespace Gradebook.Storage;

/// <summary>
/// PostgreSQL's partitions of the raw record (migration 0016): one a UTC day for each of its three tables, made ahead
/// of time (at every migration and by the retention service), made again for a restored archive, and detached and
/// dropped by retention. SQLite has none: each method is PostgreSQL's only.
/// </summary>
internal sealed partial class RawRecordPartitions(StoreEngine engine)
{
    /// <summary>The days of partitions made ahead when nothing else is configured: a week.</summary>
    public const int DefaultDaysAhead = 7;

    /// <summary>The migration that partitioned the raw record.</summary>
    public const int SinceMigration = 16;

    private static readonly string[] Tables = ["raw_batches", "rejected_events", "imports"];

    /// <summary>On PostgreSQL, makes sure each table of the raw record has a partition for today and the next <paramref name="daysAhead"/> UTC days.</summary>
    public async Task EnsureAheadAsync(int daysAhead, CancellationToken cancellationToken)
    {
        if (engine.Dialect != SqlDialect.Postgres)
        {
            return;
        }

        await using var connection = await engine.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var today = (await PrepareDdlAsync(connection, transaction, cancellationToken)).Date;
        var partitions = await ListAsync(connection, transaction, cancellationToken);
        for (var day = 0; day <= daysAhead; day++)
        {
            var from = new DateTimeOffset(today.AddDays(day), TimeSpan.Zero);
            foreach (var table in Tables)
            {
                if (!partitions.Any(p => p.Parent == table && Overlaps(p, from, from.AddDays(1))))
                {
                    await CreatePartitionAsync(connection, transaction, table, new RawRecordPeriod(from, from.AddDays(1)), cancellationToken);
                }
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>PostgreSQL: the raw record's partitions with their bounds.</summary>
    public async Task<List<PartitionRow>> ListAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken) =>
        await engine.QueryAsync<PartitionRow>(connection, transaction, Sql.RawRecordPartitions, null, cancellationToken);

    /// <summary>
    /// PostgreSQL: the lock only one instance at a time holds to change the schema (the migrations'), and a bound on the
    /// wait for each table's lock, so partition changes never queue long behind a reader with every writer queued
    /// behind them; returns the database's time, by which partitions are made.
    /// </summary>
    private async Task<DateTime> PrepareDdlAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await engine.LockForMigrationAsync(connection, transaction, cancellationToken);
        return await connection.ExecuteScalarAsync<DateTime>(new CommandDefinition(
            "SET LOCAL lock_timeout = '10s'; SELECT now() AT TIME ZONE 'UTC'", transaction: transaction, cancellationToken: cancellationToken));
    }

    /// <summary>PostgreSQL: partitions with exactly <paramref name="period"/>'s bounds for each table, made where there are none.</summary>
    public async Task EnsurePeriodAsync(DbConnection connection, RawRecordPeriod period, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await PrepareDdlAsync(connection, transaction, cancellationToken);
        var partitions = await ListAsync(connection, transaction, cancellationToken);
        foreach (var table in Tables)
        {
            var overlapping = partitions.Where(p => p.Parent == table && Overlaps(p, period.From, period.To)).ToList();
            if (overlapping.Count == 0)
            {
                await CreatePartitionAsync(connection, transaction, table, period, cancellationToken);
            }
            else if (overlapping.Any(p => p.Period != period))
            {
                throw new InvalidOperationException(
                    $"The archive's period {period} overlaps the partition {overlapping[0].Name}, {overlapping[0].Period}, of {table}: it was not archived from this database's partitions.");
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private async Task CreatePartitionAsync(DbConnection connection, DbTransaction transaction, string table, RawRecordPeriod period, CancellationToken cancellationToken)
    {
        var name = period.From is { } from
            ? $"{table}_{from.UtcDateTime.ToString(from.TimeOfDay == TimeSpan.Zero ? "yyyyMMdd" : "yyyyMMdd'_'HHmmss'_'ffffff", CultureInfo.InvariantCulture)}"
            : $"{table}_legacy";
        var sql = engine.Text(Sql.CreateRawPartition)
            .Replace("{partition}", name, StringComparison.Ordinal)
            .Replace("{table}", table, StringComparison.Ordinal)
            .Replace("{from}", period.From is { } f ? Literal(f) : "MINVALUE", StringComparison.Ordinal)
            .Replace("{to}", Literal(period.To), StringComparison.Ordinal);
        await connection.ExecuteAsync(new CommandDefinition(sql, transaction: transaction, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// PostgreSQL: detaches a partition without locking out the other partitions' readers and writers, then drops it. A
    /// detach that an earlier pass began and could not finish is finished.
    /// </summary>
    public static async Task DetachAndDropAsync(DbConnection connection, PartitionRow partition, CancellationToken cancellationToken)
    {
        if (!Identifier().IsMatch(partition.Name) || !Identifier().IsMatch(partition.Parent))
        {
            throw new InvalidOperationException($"'{partition.Name}' is not the name of a partition Gradebook made.");
        }

        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                $"ALTER TABLE {partition.Parent} DETACH PARTITION {partition.Name} CONCURRENTLY", cancellationToken: cancellationToken));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ObjectNotInPrerequisiteState)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                $"ALTER TABLE {partition.Parent} DETACH PARTITION {partition.Name} FINALIZE", cancellationToken: cancellationToken));
        }

        await connection.ExecuteAsync(new CommandDefinition($"DROP TABLE {partition.Name}", cancellationToken: cancellationToken));
    }

    private static bool Overlaps(PartitionRow partition, DateTimeOffset? from, DateTimeOffset to) =>
        (partition.FromAt is null || partition.FromAt < to) && (from is null || partition.ToAt > from);

    private static string Literal(DateTimeOffset at) =>
        $"'{at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture)}+00'";

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex Identifier();

    /// <summary>A row of <c>raw_record_partitions.postgres.sql</c>.</summary>
    internal sealed record PartitionRow
    {
        public required string Parent { get; init; }

        public required string Name { get; init; }

        public DateTimeOffset? FromAt { get; init; }

        public required DateTimeOffset ToAt { get; init; }

        public RawRecordPeriod Period => new(FromAt, ToAt);
    }
}
