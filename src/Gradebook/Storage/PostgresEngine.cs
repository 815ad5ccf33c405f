using System.Data;
using System.Data.Common;
using System.Net.Sockets;
using System.Text;
using Gradebook.Grading;
using Npgsql;
using NpgsqlTypes;

namespace Gradebook.Storage;

/// <summary>
/// The server store: PostgreSQL, shared by any number of Gradebook instances. Batches are staged with binary COPY
/// and merged set-wise in one READ COMMITTED transaction; concurrent writers first lock the students they touch, in
/// one global order (<c>writes/lock_students.postgres.sql</c> says why that is enough).
/// </summary>
internal sealed class PostgresEngine : StoreEngine, IDisposable, IAsyncDisposable
{
    /// <summary>The advisory lock key only Gradebook's migrations take: "gradebok" in ASCII.</summary>
    private const long MigrationLockKey = 0x67726164_65626F6B;

    private const string CopyRejectedEvents =
        "COPY rejected_events (batch_id, position, source, event_id, event_type, data, received_at, reason) FROM STDIN (FORMAT BINARY)";

    private const string CopyIncomingResults =
        "COPY incoming_results (student_id, exam, obtained, available) FROM STDIN (FORMAT BINARY)";

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _listenerConnectionString;

    /// <summary>Where the data lives, for messages: database, host and port, never the password.</summary>
    private readonly string _server;

    public PostgresEngine(string connectionString)
        : base(SqlDialect.Postgres)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new StoreUnavailableException($"ConnectionStrings:Gradebook is not a valid PostgreSQL connection string: {e.Message}", e);
        }

        builder.ApplicationName ??= "Gradebook";

        // The same few statements run over and over: let Npgsql prepare them on the server once per connection.
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 32;
        }

        _server = $"database '{builder.Database ?? builder.Username}' on {builder.Host}:{builder.Port}";
        _dataSource = NpgsqlDataSource.Create(builder);
        _listenerConnectionString = new NpgsqlConnectionStringBuilder(builder.ConnectionString)
        {
            Pooling = false,
            ApplicationName = $"{builder.ApplicationName} listener",
        }.ConnectionString;
    }

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    /// <summary>
    /// A connection outside the pool, for a session that only listens for notifications (<see cref="DataVersionListener"/>):
    /// it is never handed to another job, and <c>pg_stat_activity</c> names it apart ("Gradebook listener").
    /// </summary>
    public async Task<NpgsqlConnection> OpenListenerAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(_listenerConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public override async Task<FeedLease?> TryLeaseFeedAsync(string feed, TimeSpan wait, CancellationToken cancellationToken) =>
        await PostgresFeedLease.TryTakeAsync(feed, _dataSource, wait, cancellationToken);

    public override StoreUnavailableException? Unavailable(Exception exception)
    {
        if (exception is not (NpgsqlException or SocketException or TimeoutException))
        {
            return null;
        }

        var cause = exception.InnerException is { } inner && !exception.Message.Contains(inner.Message, StringComparison.Ordinal)
            ? $"{exception.Message} ({inner.Message})"
            : exception.Message;
        return new StoreUnavailableException($"The PostgreSQL {_server} cannot be reached or migrated: {cause}", exception);
    }

    public override async Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        // Held until this migration's transaction ends, so a second instance starting at the same time waits, then sees it applied.
        await using var command = connection.Command("SELECT pg_advisory_xact_lock(@key)", transaction);
        command.Add("key", MigrationLockKey);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public override async Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await ((NpgsqlConnection)connection).BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);

    public override async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await ((NpgsqlConnection)connection).BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

    public override async Task InsertRejectedEventsAsync(
        DbConnection connection, DbTransaction transaction, long batchId, string source, IReadOnlyList<(int Position, FeedEvent Event)> rejected, CancellationToken cancellationToken)
    {
        await using var copy = await ((NpgsqlConnection)connection).BeginBinaryImportAsync(CopyRejectedEvents, cancellationToken);
        foreach (var (position, e) in rejected)
        {
            await copy.StartRowAsync(cancellationToken);
            await copy.WriteAsync(batchId, NpgsqlDbType.Bigint, cancellationToken);
            await copy.WriteAsync(position, NpgsqlDbType.Integer, cancellationToken);
            await copy.WriteAsync(source, NpgsqlDbType.Text, cancellationToken);
            await WriteNullableAsync(copy, Text(e.EventId), cancellationToken);
            await copy.WriteAsync(Text(e.EventType), NpgsqlDbType.Text, cancellationToken);
            await copy.WriteAsync(Text(e.Data), NpgsqlDbType.Text, cancellationToken);
            await copy.WriteAsync(e.ReceivedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
            await copy.WriteAsync(Text(e.Rejection!.ToString()), NpgsqlDbType.Text, cancellationToken);
        }

        await copy.CompleteAsync(cancellationToken);
    }

    /// <summary>
    /// The raw record's rows of a batch in one round trip: a batch of one insert per row. Sent one by one, the round
    /// trips cost a catch-up more than the server's own work on the rows.
    /// </summary>
    public override async Task<List<long>> InsertRawRowsAsync(
        DbConnection connection, DbTransaction transaction, string source, IEnumerable<RawRow> rows, CancellationToken cancellationToken)
    {
        var sql = Text(Sql.InsertRawBatch);
        await using var batch = new NpgsqlBatch((NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        foreach (var row in rows)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(sql)
            {
                Parameters =
                {
                    new("source", source),
                    new("event_count", row.EventCount),
                    new("events", Encoding.UTF8.GetString(row.Json)),
                    new("outcomes", row.Outcomes),
                },
            });
        }

        if (batch.BatchCommands.Count == 0)
        {
            return [];
        }

        var ids = new List<long>(batch.BatchCommands.Count);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        do
        {
            await reader.ReadAsync(cancellationToken);
            ids.Add(reader.GetInt64(0));
        }
        while (await reader.NextResultAsync(cancellationToken));

        return ids;
    }

    public override async Task StageResultsAsync(
        DbConnection connection, DbTransaction transaction, IEnumerable<MarkedResult> results, CancellationToken cancellationToken)
    {
        await using var copy = await ((NpgsqlConnection)connection).BeginBinaryImportAsync(CopyIncomingResults, cancellationToken);
        foreach (var result in results)
        {
            await copy.StartRowAsync(cancellationToken);
            await copy.WriteAsync(result.StudentId, NpgsqlDbType.Text, cancellationToken);
            await copy.WriteAsync(result.Exam, NpgsqlDbType.Bigint, cancellationToken);
            await copy.WriteAsync(result.Obtained, NpgsqlDbType.Double, cancellationToken);
            await copy.WriteAsync(result.Available, NpgsqlDbType.Double, cancellationToken);
        }

        await copy.CompleteAsync(cancellationToken);
    }

    public void Dispose() => _dataSource.Dispose();

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private static async Task WriteNullableAsync(NpgsqlBinaryImporter copy, string? value, CancellationToken cancellationToken)
    {
        if (value is null)
        {
            await copy.WriteNullAsync(cancellationToken);
        }
        else
        {
            await copy.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);
        }
    }

    /// <summary>
    /// PostgreSQL text cannot hold U+0000, and one event the server refuses would block every batch after it: the
    /// rejections list shows such a character as U+FFFD, as it already shows bytes that are not UTF-8. (The raw record
    /// keeps it: a batch's JSON text writes it as an escape.)
    /// </summary>
    private static string? Text(string? value) => value?.Replace('\0', '\uFFFD');
}
