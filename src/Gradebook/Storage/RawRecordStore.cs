using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Dapper;

namespace Gradebook.Storage;

/// <summary>
/// The raw record's periods, for retention: which is the oldest one past a cutoff, its rows for an archive, its drop,
/// and its restore from an archive. On PostgreSQL a period is a set of partitions (migration 0016), created here ahead
/// of time and dropped whole; on SQLite it is a UTC day of rows, deleted oldest first, a bounded chunk a transaction.
/// </summary>
internal sealed class RawRecordStore(StoreEngine engine, BatchWriter writer)
{
    /// <summary>
    /// The rows of the raw record one SQLite transaction deletes: 64 batch rows (8,192 events at most) and their
    /// rejections, or 64 documents, so a feed's batch waits for SQLite's write lock behind one chunk at most.
    /// </summary>
    public const int ChunkRows = 64;

    /// <summary>
    /// The pause after each chunk on SQLite, longer than the 150 ms between a waiting feed's tries for the lock
    /// (Microsoft.Data.Sqlite's, which the feed's connection uses), so the feed's next batch is not kept waiting behind
    /// chunk after chunk.
    /// </summary>
    public static readonly TimeSpan ChunkPause = TimeSpan.FromMilliseconds(200);

    private readonly RawRecordPartitions _partitions = new(engine);

    /// <summary>On PostgreSQL, makes sure each table of the raw record has a partition for today and the next <paramref name="daysAhead"/> UTC days.</summary>
    public Task EnsurePartitionsAsync(int daysAhead, CancellationToken cancellationToken) => _partitions.EnsureAheadAsync(daysAhead, cancellationToken);

    /// <summary>
    /// One retention pass at a time: on PostgreSQL a session lock that one instance of the fleet holds while it drops
    /// (null when another holds it), released when disposed; SQLite has one writer process, whose lease file says so.
    /// </summary>
    public async Task<IAsyncDisposable?> TryLockAsync(CancellationToken cancellationToken)
    {
        if (engine.Dialect != SqlDialect.Postgres)
        {
            return new PassLock(null);
        }

        var connection = await engine.OpenAsync(cancellationToken);
        if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT pg_try_advisory_lock(@key)", new { key = PassLock.Key }, cancellationToken: cancellationToken)))
        {
            return new PassLock(connection);
        }

        await connection.DisposeAsync();
        return null;
    }

    /// <summary>The oldest period of the raw record that ends at or before <paramref name="cutoff"/>, or null when none does.</summary>
    public async Task<RawRecordPeriod?> OldestBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var connection = await engine.OpenAsync(cancellationToken);
        if (engine.Dialect == SqlDialect.Postgres)
        {
            var partitions = await _partitions.ListAsync(connection, null, cancellationToken);
            return partitions.Where(p => p.ToAt <= cutoff).OrderBy(p => p.ToAt).Select(p => p.Period).FirstOrDefault();
        }

        var ends = (await engine.QueryAsync<RawRecordEnds>(connection, null, Sql.RawRecordEnds, null, cancellationToken)).Single();
        DateTimeOffset? oldest = null;
        if (ends.FirstBatch is { } batch)
        {
            oldest = await TimeAtAsync(connection, Sql.RawBatchTime, batch, cancellationToken);
        }

        if (ends.FirstImport is { } import && await TimeAtAsync(connection, Sql.ImportTime, import, cancellationToken) is var at && (oldest is null || at < oldest))
        {
            oldest = at;
        }

        if (oldest is not { } first)
        {
            return null;
        }

        var day = new DateTimeOffset(first.UtcDateTime.Date, TimeSpan.Zero);
        return day.AddDays(1) <= cutoff ? new RawRecordPeriod(day, day.AddDays(1)) : null;
    }

    /// <summary>How much of the raw record <paramref name="period"/> holds.</summary>
    public async Task<RawRecordCounts> CountAsync(RawRecordPeriod period, CancellationToken cancellationToken)
    {
        await using var connection = await engine.OpenAsync(cancellationToken);
        var parameters = await ParametersAsync(connection, period, cancellationToken);
        return (await engine.QueryAsync<RawRecordCounts>(connection, null, Sql.RawRecordCounts, parameters, cancellationToken)).Single();
    }

    /// <summary>Every row of <paramref name="period"/>, table by table in id order, from one snapshot, streamed.</summary>
    public async IAsyncEnumerable<ArchivedRow> ReadAsync(RawRecordPeriod period, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await engine.OpenAsync(cancellationToken);
        await using var transaction = await engine.BeginSnapshotAsync(connection, cancellationToken);
        var parameters = await ParametersAsync(connection, period, cancellationToken, transaction);
        await foreach (var batch in QueryAsync<ArchivedBatch>(connection, transaction, Sql.ArchiveRawBatches, parameters).WithCancellation(cancellationToken))
        {
            yield return new ArchivedRow(Batch: batch);
        }

        await foreach (var rejection in QueryAsync<ArchivedRejection>(connection, transaction, Sql.ArchiveRejectedEvents, parameters).WithCancellation(cancellationToken))
        {
            yield return new ArchivedRow(Rejection: rejection);
        }

        await foreach (var import in QueryAsync<ArchivedImport>(connection, transaction, Sql.ArchiveImports, parameters).WithCancellation(cancellationToken))
        {
            yield return new ArchivedRow(Import: import);
        }
    }

    /// <summary>
    /// Logs <paramref name="period"/> as dropped (with its counts and archive), then drops it: on PostgreSQL each of its
    /// partitions detached concurrently, so no reader or writer of the other partitions waits, and dropped; on SQLite its
    /// rows deleted a chunk a transaction, with a pause after each. The log comes first: a drop that fails half way
    /// still keeps <c>rebuild</c> from deriving results without the period, and the next pass finishes it.
    /// </summary>
    public async Task DropAsync(RawRecordPeriod period, RawRecordCounts counts, string? archive, DateTimeOffset droppedAt, CancellationToken cancellationToken)
    {
        await using var connection = await engine.OpenAsync(cancellationToken);
        await engine.ExecuteAsync(
            connection,
            null,
            Sql.RecordRawDrop,
            new
            {
                from_at = Text(period.From),
                to_at = Text(period.To),
                dropped_at = Text(droppedAt),
                counts = counts.ToString(),
                archive,
            },
            cancellationToken);

        if (engine.Dialect == SqlDialect.Postgres)
        {
            foreach (var partition in (await _partitions.ListAsync(connection, null, cancellationToken)).Where(p => p.Period == period))
            {
                await RawRecordPartitions.DetachAndDropAsync(connection, partition, cancellationToken);
            }

            // Nothing derived changed, but the rejections list did: its cached pages must not outlive the rows.
            await using var bump = await engine.BeginWriteAsync(connection, cancellationToken);
            await writer.CommitAsync(connection, bump, cancellationToken);
            return;
        }

        var parameters = await ParametersAsync(connection, period, cancellationToken);

        // SQLite's own wait for the write lock, which tries again within milliseconds, rather than the driver's, which
        // sleeps 150 ms between tries: behind a feed that commits batch after batch, the chunk still finds a gap.
        await connection.ExecuteAsync(new CommandDefinition("PRAGMA busy_timeout = 30000", cancellationToken: cancellationToken));
        try
        {
            await DeleteInChunksAsync(connection, parameters, cancellationToken);
        }
        finally
        {
            await connection.ExecuteAsync("PRAGMA busy_timeout = 0");
        }
    }

    /// <summary>SQLite: a period's rows deleted a chunk a transaction, oldest first, with a pause after each.</summary>
    private async Task DeleteInChunksAsync(DbConnection connection, object parameters, CancellationToken cancellationToken)
    {
        foreach (var chunk in (SqlFile[])[Sql.DeleteRawBatchesThrough, Sql.DeleteImportsThrough])
        {
            int deleted;
            do
            {
                var started = Stopwatch.GetTimestamp();
                await using (var transaction = await engine.BeginWriteAsync(connection, cancellationToken))
                {
                    deleted = await engine.ExecuteAsync(connection, transaction, chunk, parameters, cancellationToken);
                    await writer.CommitAsync(connection, transaction, cancellationToken);
                }

                if (deleted > 0)
                {
                    await Task.Delay(ChunkPause + Stopwatch.GetElapsedTime(started), cancellationToken);
                }
            }
            while (deleted > 0);
        }
    }

    /// <summary>
    /// Writes an archived period's rows back, each with its id (a row already there is left as it is), on PostgreSQL into
    /// partitions with the period's bounds, made again where they were dropped; then the period is no longer logged as
    /// dropped. The rows' derived results are not touched: <c>rebuild</c> derives them again.
    /// </summary>
    public async Task<RawRecordCounts> RestoreAsync(RawRecordPeriod period, IAsyncEnumerable<ArchivedRow> rows, CancellationToken cancellationToken)
    {
        const int RowsPerTransaction = 1000;
        await using var connection = await engine.OpenAsync(cancellationToken);
        if (engine.Dialect == SqlDialect.Postgres)
        {
            await _partitions.EnsurePeriodAsync(connection, period, cancellationToken);
        }

        var counts = RawRecordCounts.None;
        var transaction = await engine.BeginWriteAsync(connection, cancellationToken);
        try
        {
            var inTransaction = 0;
            await foreach (var row in rows.WithCancellation(cancellationToken))
            {
                var recordedAt = Text(row.Batch?.RecordedAt ?? row.Rejection?.RecordedAt ?? row.Import?.RecordedAt ?? period.From) ?? "-infinity";
                var (file, parameters) = row switch
                {
                    { Batch: { } b } => (Sql.RestoreRawBatch, (object)new { id = b.Id, source = b.Source, event_count = b.EventCount, events = b.Events, outcomes = b.Outcomes, recorded_at = recordedAt }),
                    { Rejection: { } r } => (Sql.RestoreRejectedEvent, new
                    {
                        id = r.Id,
                        batch_id = r.BatchId,
                        position = r.Position,
                        source = r.Source,
                        event_id = r.EventId,
                        event_type = r.EventType,
                        data = r.Data,
                        received_at = Text(r.ReceivedAt),
                        reason = r.Reason,
                        recorded_at = recordedAt,
                    }),
                    { Import: { } i } => (Sql.RestoreImport, new
                    {
                        id = i.Id,
                        received_at = Text(i.ReceivedAt),
                        document = i.Document,
                        media_type = i.MediaType,
                        outcome = i.Outcome,
                        reason = i.Reason,
                        result_count = i.ResultCount,
                        client = i.Client,
                        recorded_at = recordedAt,
                    }),
                    _ => throw new InvalidDataException("An archived row holds no batch, rejection or document."),
                };
                await engine.ExecuteAsync(connection, transaction, file, parameters, cancellationToken);
                counts = counts.Add(row);
                if (++inTransaction == RowsPerTransaction)
                {
                    await writer.CommitAsync(connection, transaction, cancellationToken);
                    await transaction.DisposeAsync();
                    transaction = await engine.BeginWriteAsync(connection, cancellationToken);
                    inTransaction = 0;
                }
            }

            await engine.ExecuteAsync(connection, transaction, Sql.ForgetRawDrop, new { from_at = Text(period.From), to_at = Text(period.To) }, cancellationToken);
            await writer.CommitAsync(connection, transaction, cancellationToken);
        }
        finally
        {
            await transaction.DisposeAsync();
        }

        return counts;
    }

    /// <summary>Every period retention dropped that no restore has brought back, oldest first.</summary>
    public Task<List<RawRecordDrop>> DropsAsync(CancellationToken cancellationToken) =>
        engine.QueryAsync<RawRecordDrop>(Sql.RawRecordDrops, null, cancellationToken);

    /// <summary>A period's query parameters: its bounds for PostgreSQL's partitions, its last rows for SQLite's days.</summary>
    private async Task<object> ParametersAsync(DbConnection connection, RawRecordPeriod period, CancellationToken cancellationToken, DbTransaction? transaction = null)
    {
        if (engine.Dialect == SqlDialect.Postgres)
        {
            return new { from_at = Text(period.From), to_at = Text(period.To), chunk = ChunkRows };
        }

        var ends = (await engine.QueryAsync<RawRecordEnds>(connection, transaction, Sql.RawRecordEnds, null, cancellationToken)).Single();
        return new
        {
            through = await LastBeforeAsync(connection, transaction, Sql.RawBatchTime, ends.FirstBatch, ends.LastBatch, period.To, cancellationToken),
            through_import = await LastBeforeAsync(connection, transaction, Sql.ImportTime, ends.FirstImport, ends.LastImport, period.To, cancellationToken),
            chunk = ChunkRows,
        };
    }

    /// <summary>
    /// On SQLite, the last id between <paramref name="first"/> and <paramref name="last"/> whose row was received before
    /// <paramref name="until"/>, 0 for none: a binary search, as ids grow with time (a batch's rows by when its first
    /// event was received, so within one batch's duration), which reads a few dozen rows, not a day's.
    /// </summary>
    private async Task<long> LastBeforeAsync(
        DbConnection connection, DbTransaction? transaction, SqlFile timeAt, long? first, long? last, DateTimeOffset until, CancellationToken cancellationToken)
    {
        if (first is not { } low || last is not { } high)
        {
            return 0;
        }

        var found = 0L;
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            var row = (await engine.QueryAsync<RawRecordTime>(connection, transaction, timeAt, new { id = middle }, cancellationToken)).SingleOrDefault();
            if (row is not null && Parse(row.At) < until)
            {
                found = row.Id;
                low = row.Id + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return found;
    }

    private async Task<DateTimeOffset> TimeAtAsync(DbConnection connection, SqlFile timeAt, long id, CancellationToken cancellationToken) =>
        Parse((await engine.QueryAsync<RawRecordTime>(connection, null, timeAt, new { id }, cancellationToken)).Single().At);

    private IAsyncEnumerable<T> QueryAsync<T>(DbConnection connection, DbTransaction transaction, SqlFile file, object parameters) =>
        connection.QueryUnbufferedAsync<T>(engine.Text(file), parameters, transaction);

    private static string? Text(DateTimeOffset? at) => at?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset Parse(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    /// <summary>A row of <c>raw_record_ends.sqlite.sql</c>.</summary>
    private sealed record RawRecordEnds
    {
        public long? FirstBatch { get; init; }

        public long? LastBatch { get; init; }

        public long? FirstImport { get; init; }

        public long? LastImport { get; init; }
    }

    /// <summary>A row of <c>raw_batch_time.sqlite.sql</c> or <c>import_time.sqlite.sql</c>.</summary>
    private sealed record RawRecordTime
    {
        public required long Id { get; init; }

        public required string At { get; init; }
    }

    /// <summary>The session lock of a retention pass; a pooled connection keeps a session's locks, so it is let go first.</summary>
    private sealed class PassLock(DbConnection? connection) : IAsyncDisposable
    {
        /// <summary>The advisory lock key only retention takes: "rawkeep" in ASCII.</summary>
        public const long Key = 0x00726177_6B656570;

        public async ValueTask DisposeAsync()
        {
            if (connection is null)
            {
                return;
            }

            await connection.ExecuteAsync("SELECT pg_advisory_unlock(@key)", new { key = Key });
            await connection.DisposeAsync();
        }
    }
}
