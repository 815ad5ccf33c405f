using System.Buffers;
using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Gradebook.Grading;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Gradebook.Storage;

/// <summary>
/// The embedded store: one SQLite file in WAL mode, so readers never wait for the writer.
/// A batch's results are staged by one prepared statement stepped per row (SQLite's bulk path) and merged set-wise, its
/// raw record written as rows of many events and its rejections bound as JSON, all in one immediate transaction.
/// </summary>
internal sealed class SqliteEngine : StoreEngine
{
    /// <summary>
    /// Rejections bound to one statement: a catch-up batch of 100,000 rejected events is bound in chunks, so no JSON
    /// text of tens of megabytes (and its copies) is ever built at once.
    /// </summary>
    private const int RowsPerStatement = 256;

    /// <summary>
    /// The write-ahead log's size past which a write, once committed, checkpoints it whole and truncates it: 128 MiB, a
    /// bound rather than a setting, above what the log reaches with a polling reader (SQLite checkpoints it on its own
    /// at 10,000 pages, 40 MB: <see cref="BeginWriteAsync"/>), so that it truncates the log rarely, not every few batches.
    /// </summary>
    public const long DefaultWalLimitBytes = 128L << 20;

    /// <summary>How long a feed's batch waits for SQLite's write lock before the attempt counts as failed.</summary>
    public const int FeedLockWaitSeconds = 2;

    private readonly long _walLimitBytes;
    private readonly string _connectionString;
    private readonly string _feedConnectionString;
    private readonly string _insertRejectedEvents;
    private readonly string _stageResults;
    private readonly string _insertRawBatch;

    public SqliteEngine(string connectionString, long walLimitBytes = DefaultWalLimitBytes)
        : base(SqlDialect.Sqlite)
    {
        _walLimitBytes = walLimitBytes;
        var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = true };
        if (builder.Mode == SqliteOpenMode.ReadWriteCreate && builder.DataSource is { Length: > 0 } path && path != ":memory:")
        {
            // SQLite creates the file but not its directory; a missing one is more likely a typo than a wish for a new tree.
            var directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (directory is not null && !Directory.Exists(directory))
            {
                throw new StoreUnavailableException(
                    $"The SQLite database '{path}' cannot be created: the directory '{directory}' does not exist.", new DirectoryNotFoundException(directory));
            }
        }

        _connectionString = builder.ToString();
        // A feed's commit waits this long for another writer's lock (a document's import, a rebuild), then fails as
        // transient and is tried again by the ingestion, which counts it: a lock held for long shows as a failing feed
        // within seconds, where SQLite's default of 30 s a try would hide it for minutes and outlast a bounded drain.
        _feedConnectionString = new SqliteConnectionStringBuilder(_connectionString) { Pooling = false, DefaultTimeout = FeedLockWaitSeconds }.ToString();
        DataSource = builder.DataSource;
        _insertRejectedEvents = Text(Sql.InsertRejectedEvents);
        _stageResults = Text(Sql.StageResults);
        _insertRawBatch = Text(Sql.InsertRawBatch);
    }

    public string DataSource { get; }

    /// <summary>The database file's full path; null for an in-memory database.</summary>
    public string? FilePath => DataSource is { Length: > 0 } path && path != ":memory:" && !path.StartsWith("file::memory:", StringComparison.Ordinal)
        ? Path.GetFullPath(path)
        : null;

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <summary>
    /// A connection for one batch of a feed, outside the pool, with a 48 MiB page cache (against SQLite's default
    /// 2 MiB), so the pages of the by-student index a batch dirties stay in memory while it is merged. Outside the pool,
    /// so the large cache goes when the batch is done: when writes took pooled connections, readers were soon handed
    /// connections that had each grown a writer's cache, and a catch-up's memory grew with them. A connection kept
    /// for every batch would keep its cache warm, but it kept SQLite from ever restarting the write-ahead log, which
    /// grew to gigabytes.
    /// </summary>
    public override async ValueTask<DbConnection> OpenFeedConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_feedConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var cache = connection.Command("PRAGMA cache_size = -49152");
        await cache.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    /// <summary>
    /// Keeps the write-ahead log within its limit. SQLite starts the log again from its beginning only when a write
    /// begins while no reader is using it, so with a reader polling all the time it kept growing, far past the size at
    /// which it is checkpointed. Past the limit, the write that finds it so checkpoints the whole
    /// log and truncates it: this waits, up to a second, for the readers of older snapshots to finish (new readers read
    /// the database file, so do not hold it up), and holds up other writers meanwhile. If readers are still there after
    /// the second, the next write tries again.
    /// </summary>
    public override async Task AfterCommitAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        if (FilePath is not { } database || new FileInfo(database + "-wal") is not { Exists: true } wal || wal.Length <= _walLimitBytes)
        {
            return;
        }

        await using var checkpoint = connection.Command("PRAGMA busy_timeout = 1000; PRAGMA wal_checkpoint(TRUNCATE); PRAGMA busy_timeout = 0");
        await checkpoint.ExecuteNonQueryAsync(cancellationToken);
    }

    // A lock file is tried once: its holder is a process, which lets go only by ending or letting the feed go.
    public override Task<FeedLease?> TryLeaseFeedAsync(string feed, TimeSpan wait, CancellationToken cancellationToken) =>
        Task.FromResult<FeedLease?>(SqliteFeedLease.TryTake(feed, this));

    public override async Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var wal = connection.Command("PRAGMA journal_mode = WAL");
        await wal.ExecuteNonQueryAsync(cancellationToken);
    }

    public override StoreUnavailableException? Unavailable(Exception exception) => exception is SqliteException e
        ? new StoreUnavailableException($"The SQLite database '{DataSource}' cannot be opened or migrated: {e.Message}", e)
        : null;

    public override Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        Task.CompletedTask; // Microsoft.Data.Sqlite begins IMMEDIATE transactions: the write lock is already ours.

    // DEFERRED: the first read takes a snapshot of the write-ahead log and no lock that would stop a writer.
    public override Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: true));

    public override async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        // FULL: a committed batch survives a power cut. Staging tables live in memory. Checkpointing every 10,000 pages
        // rather than 1,000 writes a page dirtied by many batches back to the database file once, not each time. (A
        // feed's connection has a larger page cache too: OpenFeedConnectionAsync.)
        await using (var pragmas = connection.Command(
            "PRAGMA synchronous = FULL; PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = 10000"))
        {
            await pragmas.ExecuteNonQueryAsync(cancellationToken);
        }

        // IMMEDIATE: the write lock is taken up front, so the merge reads results no other writer can change.
        return await connection.BeginTransactionAsync(cancellationToken);
    }

    public override async Task InsertRejectedEventsAsync(
        DbConnection connection, DbTransaction transaction, long batchId, string source, IReadOnlyList<(int Position, FeedEvent Event)> rejected, CancellationToken cancellationToken)
    {
        foreach (var chunk in rejected.Chunk(RowsPerStatement))
        {
            var rows = JsonRows(chunk, static (writer, r) =>
            {
                writer.WriteNumberValue(r.Position);
                WriteNullable(writer, r.Event.EventId);
                writer.WriteStringValue(r.Event.EventType);
                writer.WriteStringValue(r.Event.Data);
                writer.WriteStringValue(r.Event.ReceivedAt.ToString("O", CultureInfo.InvariantCulture));
                writer.WriteStringValue(r.Event.Rejection!.ToString());
            });
            await using var insert = connection.Command(_insertRejectedEvents, transaction);
            insert.Add("batch_id", batchId);
            insert.Add("source", source);
            insert.Add("events", rows);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>
    /// The rows of a batch's raw record by one prepared statement stepped per row, each row's JSON bound as the UTF-8
    /// it was written in: a string parameter would have been made UTF-16 and then UTF-8 again.
    /// </summary>
    public override Task<List<long>> InsertRawRowsAsync(
        DbConnection connection, DbTransaction transaction, string source, IEnumerable<RawRow> rows, CancellationToken cancellationToken)
    {
        var db = ((SqliteConnection)connection).Handle!;
        Check(raw.sqlite3_prepare_v2(db, _insertRawBatch, out var statement), db);
        using (statement)
        {
            var (sourceAt, countAt, eventsAt, outcomesAt) = (
                raw.sqlite3_bind_parameter_index(statement, "@source"),
                raw.sqlite3_bind_parameter_index(statement, "@event_count"),
                raw.sqlite3_bind_parameter_index(statement, "@events"),
                raw.sqlite3_bind_parameter_index(statement, "@outcomes"));
            var ids = new List<long>();
            foreach (var row in rows)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Check(raw.sqlite3_bind_text(statement, sourceAt, source), db);
                Check(raw.sqlite3_bind_int(statement, countAt, row.EventCount), db);
                Check(raw.sqlite3_bind_text(statement, eventsAt, row.Json), db);
                Check(raw.sqlite3_bind_text(statement, outcomesAt, row.Outcomes), db);
                var step = raw.sqlite3_step(statement);
                if (step != raw.SQLITE_ROW)
                {
                    SqliteException.ThrowExceptionForRC(step, db);
                }

                ids.Add(raw.sqlite3_column_int64(statement, 0));
                Check(raw.sqlite3_reset(statement), db);
            }

            return Task.FromResult(ids);
        }
    }

    /// <summary>
    /// Stages results the way the sqlite3 shell's <c>.import</c> loads rows: one prepared statement, stepped once per
    /// row with its values bound by position, through SQLitePCL's own API. <c>SqliteCommand</c> would re-bind every
    /// parameter by name on each run, and binding a chunk as JSON costs SQLite a JSON parse per value; both cost more
    /// per row.
    /// </summary>
    public override Task StageResultsAsync(
        DbConnection connection, DbTransaction transaction, IEnumerable<MarkedResult> results, CancellationToken cancellationToken)
    {
        var db = ((SqliteConnection)connection).Handle!;
        Check(raw.sqlite3_prepare_v2(db, _stageResults, out var statement), db);
        using (statement)
        {
            var count = 0;
            foreach (var result in results)
            {
                if (++count % 4096 == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                Check(raw.sqlite3_bind_text(statement, 1, result.StudentId), db);
                Check(raw.sqlite3_bind_int64(statement, 2, result.Exam), db);
                Check(raw.sqlite3_bind_double(statement, 3, result.Obtained), db);
                Check(raw.sqlite3_bind_double(statement, 4, result.Available), db);
                var done = raw.sqlite3_step(statement);
                if (done != raw.SQLITE_DONE)
                {
                    SqliteException.ThrowExceptionForRC(done, db);
                }

                Check(raw.sqlite3_reset(statement), db);
            }
        }

        return Task.CompletedTask;
    }

    private static void Check(int rc, sqlite3 db)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, db);
        }
    }

    /// <summary>A JSON array with one array per item: how a whole batch is bound to one SQLite statement.</summary>
    private static string JsonRows<T>(IEnumerable<T> items, Action<Utf8JsonWriter, T> writeRow)
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var item in items)
            {
                writer.WriteStartArray();
                writeRow(writer, item);
                writer.WriteEndArray();
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteNullable(Utf8JsonWriter writer, string? value)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }
}
