using System.Data.Common;
using System.Globalization;
using Gradebook.Feed;
using Microsoft.Data.Sqlite;

namespace Gradebook.Storage;

/// <summary>
/// The embedded store: one SQLite file in WAL mode, so readers never wait for the writer.
/// Batches are staged with prepared statements inside one immediate transaction, then merged set-wise.
/// </summary>
internal sealed class SqliteStore : Store
{
    private readonly string _connectionString;
    private readonly string _insertRawEvent;
    private readonly string _stageResult;

    public SqliteStore(string connectionString)
        : base(SqlDialect.Sqlite)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = true };
        if (builder.Mode == SqliteOpenMode.ReadWriteCreate && builder.DataSource is { Length: > 0 } path && path != ":memory:")
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (directory is not null)
            {
                Directory.CreateDirectory(directory);
            }
        }

        _connectionString = builder.ToString();
        DataSource = builder.DataSource;
        _insertRawEvent = SqlScripts.Get("writes/insert_raw_event.sql", SqlDialect.Sqlite);
        _stageResult = SqlScripts.Get("writes/stage_result.sql", SqlDialect.Sqlite);
    }

    public string DataSource { get; }

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    public override async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using (var connection = await OpenAsync(cancellationToken))
            await using (var wal = connection.Command("PRAGMA journal_mode = WAL"))
            {
                await wal.ExecuteNonQueryAsync(cancellationToken);
            }

            return await base.MigrateAsync(cancellationToken);
        }
        catch (SqliteException e)
        {
            throw new StoreUnavailableException($"The SQLite database '{DataSource}' cannot be opened or migrated: {e.Message}", e);
        }
    }

    protected override Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        Task.CompletedTask; // Microsoft.Data.Sqlite begins IMMEDIATE transactions: the write lock is already ours.

    protected override async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using (var pragmas = connection.Command("PRAGMA synchronous = FULL"))
        {
            await pragmas.ExecuteNonQueryAsync(cancellationToken);
        }

        // IMMEDIATE: the write lock is taken up front, so the merge reads results no other writer can change.
        return await connection.BeginTransactionAsync(cancellationToken);
    }

    protected override Task InsertRawEventsAsync(
        DbConnection connection, DbTransaction transaction, string source, IReadOnlyList<FeedEvent> events, CancellationToken cancellationToken)
    {
        using var insert = connection.Command(_insertRawEvent, transaction);
        insert.Add("source", source);
        var eventId = insert.Add("event_id", null);
        var eventType = insert.Add("event_type", null);
        var data = insert.Add("data", null);
        var receivedAt = insert.Add("received_at", null);
        var outcome = insert.Add("outcome", null);
        var reason = insert.Add("reason", null);
        insert.Prepare();
        foreach (var e in events)
        {
            eventId.Value = (object?)e.EventId ?? DBNull.Value;
            eventType.Value = e.EventType;
            data.Value = e.Data;
            receivedAt.Value = e.ReceivedAt.ToString("O", CultureInfo.InvariantCulture);
            outcome.Value = OutcomeName(e.Outcome);
            reason.Value = (object?)e.Rejection?.ToString() ?? DBNull.Value;
            insert.ExecuteNonQuery();
        }

        return Task.CompletedTask;
    }

    protected override Task StageResultsAsync(
        DbConnection connection, DbTransaction transaction, IEnumerable<StagedResult> results, CancellationToken cancellationToken)
    {
        using var stage = connection.Command(_stageResult, transaction);
        var studentId = stage.Add("student_id", null);
        var exam = stage.Add("exam", null);
        var obtained = stage.Add("obtained", null);
        var available = stage.Add("available", null);
        stage.Prepare();
        foreach (var result in results)
        {
            studentId.Value = result.StudentId;
            exam.Value = result.Exam;
            obtained.Value = result.Obtained;
            available.Value = result.Available;
            stage.ExecuteNonQuery();
        }

        return Task.CompletedTask;
    }
}
