using System.Data.Common;
using System.Globalization;
using Dapper;
using Gradebook.Grading;

namespace Gradebook.Storage;

/// <summary>The start-up failure of a store that cannot be reached or prepared, with a message for the operator.</summary>
internal sealed class StoreUnavailableException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// What differs between the database engines Gradebook runs on: connections, write transactions, the bulk paths for a
/// batch, and locking. Everything else (migrations, feed writes, import writes, reads, the rebuild's access) is the
/// same SQL on every engine and lives in one class per job, each of which runs through these hooks.
/// </summary>
internal abstract class StoreEngine
{
    static StoreEngine()
    {
        // Columns are named student_id, exam_count, ...; read models are StudentId, ExamCount, ...
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        SqlMapper.AddTypeHandler(new TimestampHandler());
    }

    private long _committedVersion;

    protected StoreEngine(SqlDialect dialect) => Dialect = dialect;

    public SqlDialect Dialect { get; }

    public abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>A connection to write a feed's batches on, where the engine sets one up differently from the others.</summary>
    public virtual async ValueTask<DbConnection> OpenFeedConnectionAsync(CancellationToken cancellationToken) => await OpenAsync(cancellationToken);

    /// <summary>Begins a write transaction (engine-specific isolation and durability settings).</summary>
    public abstract Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Adds a batch's rejected events, each with its position in the batch, to the rejections list through the engine's bulk path.</summary>
    protected abstract Task InsertRejectedEventsAsync(
        DbConnection connection, DbTransaction transaction, long batchId, string source, IReadOnlyList<(int Position, FeedEvent Event)> rejected, CancellationToken cancellationToken);

    /// <summary>Loads results into the <c>incoming_results</c> staging table through the engine's bulk path.</summary>
    protected abstract Task StageResultsAsync(
        DbConnection connection, DbTransaction transaction, IEnumerable<MarkedResult> results, CancellationToken cancellationToken);

    /// <summary>Takes the lock that keeps two instances from migrating at once; called inside the migration's transaction.</summary>
    public abstract Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);

    /// <summary>Takes the right to ingest <paramref name="feed"/>, or returns null while another instance holds it.</summary>
    public abstract Task<FeedLease?> TryLeaseFeedAsync(string feed, CancellationToken cancellationToken);

    /// <summary>Settings a database file or server needs once, before migrating.</summary>
    public virtual Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The operator's message for a failure to reach or prepare the database; null when it is not one.</summary>
    public abstract StoreUnavailableException? Unavailable(Exception exception);

    public string Text(SqlFile file) => file.For(Dialect);

    /// <summary>
    /// Appends a feed batch to the raw record, as rows of up to <see cref="RawBatch.MaxEvents"/> events
    /// (<see cref="RawBatch"/>), and its rejected events to the rejections list, inside the caller's transaction.
    /// </summary>
    public async Task InsertRawBatchAsync(
        DbConnection connection, DbTransaction transaction, string source, IReadOnlyList<FeedEvent> events, CancellationToken cancellationToken)
    {
        var ids = await InsertRawRowsAsync(connection, transaction, source, RawBatch.Rows(events), cancellationToken);
        var row = 0;
        foreach (var chunk in events.Chunk(RawBatch.MaxEvents))
        {
            await InsertRejectionsAsync(connection, transaction, ids[row++], source, chunk, cancellationToken);
        }
    }

    /// <summary>Inserts the rows of a batch's raw record through the engine's bulk path, and returns their ids in the same order.</summary>
    protected abstract Task<List<long>> InsertRawRowsAsync(
        DbConnection connection, DbTransaction transaction, string source, IEnumerable<RawRow> rows, CancellationToken cancellationToken);

    /// <summary>Writes a recorded batch's outcomes again as <paramref name="events"/> now have them, with its rejections.</summary>
    public async Task ReplaceOutcomesAsync(
        DbConnection connection, DbTransaction transaction, long batchId, string source, IReadOnlyList<FeedEvent> events, CancellationToken cancellationToken)
    {
        await ExecuteAsync(
            connection, transaction, Sql.ReplaceBatchOutcomes, new { id = batchId, outcomes = RawBatch.Outcomes(events.Select(e => e.Outcome)) }, cancellationToken);
        await InsertRejectionsAsync(connection, transaction, batchId, source, events, cancellationToken);
    }

    /// <summary>Stages results and folds them into <c>results</c> and the aggregates by the highest-marks rule, inside the caller's transaction.</summary>
    public async Task MergeAsync(
        DbConnection connection, DbTransaction transaction, IEnumerable<MarkedResult> results, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, transaction, Sql.CreateStaging, null, cancellationToken);
        await StageResultsAsync(connection, transaction, results, cancellationToken);
        await ExecuteAsync(connection, transaction, Sql.LockStudents, null, cancellationToken);
        await ExecuteAsync(connection, transaction, Sql.MergeResults, null, cancellationToken);
    }

    /// <summary>
    /// The newest data version this process has committed, 0 before its first commit: <see cref="DataVersionSource"/>
    /// answers no older than this, so an instance reads its own writes before it hears of them.
    /// </summary>
    public long CommittedVersion => Volatile.Read(ref _committedVersion);

    /// <summary>Commits a write transaction, moving the data version forward in it as its last statement.</summary>
    public async Task CommitAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var version = await connection.ExecuteScalarAsync<long>(
            new CommandDefinition(Text(Sql.BumpDataVersion), null, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        DataVersionSource.RaiseTo(ref _committedVersion, version);
        await AfterCommitAsync(connection, cancellationToken);
    }

    /// <summary>Upkeep the engine does on the writing connection once a write has committed.</summary>
    protected virtual Task AfterCommitAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    private Task InsertRejectionsAsync(
        DbConnection connection, DbTransaction transaction, long batchId, string source, IReadOnlyList<FeedEvent> events, CancellationToken cancellationToken)
    {
        List<(int, FeedEvent)>? rejected = null;
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i].Rejection is not null)
            {
                (rejected ??= []).Add((i, events[i]));
            }
        }

        return rejected is null ? Task.CompletedTask : InsertRejectedEventsAsync(connection, transaction, batchId, source, rejected, cancellationToken);
    }

    /// <summary>Runs one statement file inside the caller's transaction.</summary>
    public Task<int> ExecuteAsync(
        DbConnection connection, DbTransaction? transaction, SqlFile file, object? parameters, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(Text(file), parameters, transaction, cancellationToken: cancellationToken));

    /// <summary>Runs one query file inside the caller's transaction, mapping each row by column name.</summary>
    public async Task<List<T>> QueryAsync<T>(
        DbConnection connection, DbTransaction? transaction, SqlFile file, object? parameters, CancellationToken cancellationToken) =>
        [.. await connection.QueryAsync<T>(new CommandDefinition(Text(file), parameters, transaction, cancellationToken: cancellationToken))];

    /// <summary>Runs one query file on a connection of its own, mapping each row by column name.</summary>
    public async Task<List<T>> QueryAsync<T>(SqlFile file, object? parameters, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await QueryAsync<T>(connection, null, file, parameters, cancellationToken);
    }

    /// <summary>Timestamps as the engines return them: ISO 8601 text from SQLite, UTC date-times from PostgreSQL.</summary>
    private sealed class TimestampHandler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override DateTimeOffset Parse(object value) => value switch
        {
            DateTimeOffset at => at,
            DateTime at => new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)),
            string text => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
            _ => throw new InvalidCastException($"A timestamp cannot be read from {value.GetType().Name}."),
        };

        public override void SetValue(System.Data.IDbDataParameter parameter, DateTimeOffset value) =>
            parameter.Value = value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
    }
}
