using System.Data.Common;
using Gradebook.Feed;

namespace Gradebook.Storage;

/// <summary>The start-up failure of a store that cannot be reached or prepared, with a message for the operator.</summary>
internal sealed class StoreUnavailableException(string message, Exception inner) : Exception(message, inner);

/// <summary>One result on its way into the store: marks obtained out of marks available (a feed score is score out of 1).</summary>
internal readonly record struct StagedResult(string StudentId, long Exam, double Obtained, double Available);

/// <summary>
/// Gradebook's SQL store. The reads and the set-based merge are the same SQL on every engine; each engine
/// supplies its connections, its migration lock and its bulk path for staging a batch.
/// </summary>
internal abstract partial class Store
{
    private readonly string _listStudents;
    private readonly string _getStudent;
    private readonly string _listExams;
    private readonly string _getExam;
    private readonly string _getFeed;
    private readonly string _listRejections;
    private readonly string _createStaging;
    private readonly string _mergeResults;
    private readonly string _advanceFeed;

    protected Store(SqlDialect dialect)
    {
        Dialect = dialect;
        _listStudents = SqlScripts.Get("queries/list_students.sql", dialect);
        _getStudent = SqlScripts.Get("queries/get_student.sql", dialect);
        _listExams = SqlScripts.Get("queries/list_exams.sql", dialect);
        _getExam = SqlScripts.Get("queries/get_exam.sql", dialect);
        _getFeed = SqlScripts.Get("queries/get_feed.sql", dialect);
        _listRejections = SqlScripts.Get("queries/list_rejections.sql", dialect);
        _createStaging = SqlScripts.Get("writes/create_staging.sql", dialect);
        _mergeResults = SqlScripts.Get("writes/merge_results.sql", dialect);
        _advanceFeed = SqlScripts.Get("writes/advance_feed.sql", dialect);
    }

    public SqlDialect Dialect { get; }

    public abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Begins a write transaction (engine-specific isolation and durability settings).</summary>
    protected abstract Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Appends events to <c>raw_events</c> through the engine's bulk path.</summary>
    protected abstract Task InsertRawEventsAsync(
        DbConnection connection, DbTransaction transaction, string source, IReadOnlyList<FeedEvent> events, CancellationToken cancellationToken);

    /// <summary>Loads results into the <c>incoming_results</c> staging table through the engine's bulk path.</summary>
    protected abstract Task StageResultsAsync(
        DbConnection connection, DbTransaction transaction, IEnumerable<StagedResult> results, CancellationToken cancellationToken);

    /// <summary>Runs just before the staged results are merged; an engine with concurrent writers takes its locks here.</summary>
    protected virtual Task BeforeMergeAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    /// <summary>Writes one batch of feed events in one transaction: the raw record, the results, the aggregates and the feed's cursor.</summary>
    public async Task WriteFeedBatchAsync(string source, IReadOnlyList<FeedEvent> events, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        await InsertRawEventsAsync(connection, transaction, source, events, cancellationToken);
        await MergeAsync(connection, transaction, AcceptedScores(events), cancellationToken);

        var (accepted, rejected, ignored) = FeedEvent.CountOutcomes(events);
        await using (var advance = connection.Command(_advanceFeed, transaction))
        {
            advance.Add("source", source);
            advance.Add("last_event_id", LastEventId(events));
            advance.Add("accepted", accepted);
            advance.Add("rejected", rejected);
            advance.Add("ignored", ignored);
            await advance.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Stages results and folds them into <c>results</c> and the aggregates (highest marks win), inside the caller's transaction.</summary>
    protected async Task MergeAsync(
        DbConnection connection, DbTransaction transaction, IEnumerable<StagedResult> results, CancellationToken cancellationToken)
    {
        await using (var staging = connection.Command(_createStaging, transaction))
        {
            await staging.ExecuteNonQueryAsync(cancellationToken);
        }

        await StageResultsAsync(connection, transaction, results, cancellationToken);
        await BeforeMergeAsync(connection, transaction, cancellationToken);
        await using var merge = connection.Command(_mergeResults, transaction);
        await merge.ExecuteNonQueryAsync(cancellationToken);
    }

    private static IEnumerable<StagedResult> AcceptedScores(IReadOnlyList<FeedEvent> events)
    {
        foreach (var e in events)
        {
            if (e.Score is { } score)
            {
                yield return new StagedResult(score.StudentId, score.Exam, score.Value, 1.0);
            }
        }
    }

    /// <summary>Takes the lock that keeps two instances from migrating at once; called inside the migration's transaction.</summary>
    protected abstract Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);

    /// <summary>Applies every migration not yet recorded in <c>schema_migrations</c>, each in its own transaction; returns the schema version.</summary>
    public virtual async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            // Under the lock too: on PostgreSQL, two instances creating the table at once can both try, and one fail.
            await LockForMigrationAsync(connection, transaction, cancellationToken);
            await using var create = connection.Command(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
                transaction);
            await create.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        foreach (var migration in SqlScripts.Migrations(Dialect))
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await LockForMigrationAsync(connection, transaction, cancellationToken);
            await using var applied = connection.Command("SELECT COUNT(*) FROM schema_migrations WHERE version = @version", transaction);
            applied.Add("version", migration.Version);
            if (Convert.ToInt64(await applied.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) > 0)
            {
                continue;
            }

            await using (var apply = connection.Command(migration.Sql, transaction))
            {
                await apply.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var record = connection.Command(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, @applied_at)", transaction))
            {
                record.Add("version", migration.Version);
                record.Add("name", migration.Name);
                record.Add("applied_at", DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        return SqlScripts.Migrations(Dialect)[^1].Version;
    }

    public async Task<IReadOnlyList<int>> AppliedMigrationsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.Command("SELECT version FROM schema_migrations ORDER BY version");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var versions = new List<int>();
        while (await reader.ReadAsync(cancellationToken))
        {
            versions.Add(Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
        }

        return versions;
    }

    public async Task<FeedCursor?> GetFeedAsync(string source, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync(
            _getFeed,
            c => c.Add("source", source),
            r => new FeedCursor(r.IsDBNull(0) ? null : r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3)),
            cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>Up to <paramref name="limit"/> students after <paramref name="after"/> in id order ("" for the first page).</summary>
    public Task<List<StudentSummary>> ListStudentsAsync(string after, int limit, CancellationToken cancellationToken) =>
        QueryAsync(
            _listStudents,
            c =>
            {
                c.Add("after", after);
                c.Add("limit", limit);
            },
            r => new StudentSummary(r.GetString(0), r.GetInt64(1), r.GetDouble(2)),
            cancellationToken);

    public async Task<StudentDetails?> GetStudentAsync(string studentId, CancellationToken cancellationToken)
    {
        // Every row repeats the aggregate beside one result (see get_student.sql).
        var rows = await QueryAsync(
            _getStudent,
            c => c.Add("student_id", studentId),
            r => (Count: r.GetInt64(0), Average: r.GetDouble(1), Result: new StudentResult(r.GetInt64(2), r.GetDouble(3))),
            cancellationToken);
        return rows.Count == 0 ? null : new StudentDetails(studentId, rows[0].Count, rows[0].Average, [.. rows.Select(r => r.Result)]);
    }

    /// <summary>Up to <paramref name="limit"/> exams after <paramref name="after"/> in number order (-1 for the first page).</summary>
    public Task<List<ExamSummary>> ListExamsAsync(long after, int limit, CancellationToken cancellationToken) =>
        QueryAsync(
            _listExams,
            c =>
            {
                c.Add("after", after);
                c.Add("limit", limit);
            },
            r => new ExamSummary(r.GetInt64(0), r.GetInt64(1), r.GetDouble(2)),
            cancellationToken);

    public async Task<ExamDetails?> GetExamAsync(long exam, CancellationToken cancellationToken)
    {
        // Every row repeats the aggregate beside one result (see get_exam.sql).
        var rows = await QueryAsync(
            _getExam,
            c => c.Add("exam", exam),
            r => (Count: r.GetInt64(0), Average: r.GetDouble(1), Result: new ExamResult(r.GetString(2), r.GetDouble(3))),
            cancellationToken);
        return rows.Count == 0 ? null : new ExamDetails(exam, rows[0].Count, rows[0].Average, [.. rows.Select(r => r.Result)]);
    }

    /// <summary>Up to <paramref name="limit"/> rejected events after raw record id <paramref name="after"/>, oldest first.</summary>
    public Task<List<RejectedEvent>> ListRejectionsAsync(long after, int limit, CancellationToken cancellationToken) =>
        QueryAsync(
            _listRejections,
            c =>
            {
                c.Add("after", after);
                c.Add("limit", limit);
            },
            r => new RejectedEvent(
                r.GetInt64(0),
                r.GetString(1),
                r.IsDBNull(2) ? null : r.GetString(2),
                r.GetString(3),
                r.GetString(4),
                r.GetString(5),
                r.GetFieldValue<DateTimeOffset>(6)),
            cancellationToken);

    /// <summary>Runs one read on a connection of its own and maps every row.</summary>
    private async Task<List<T>> QueryAsync<T>(string sql, Action<DbCommand> bind, Func<DbDataReader, T> map, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.Command(sql);
        bind(command);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    protected static string OutcomeName(EventOutcome outcome) => outcome switch
    {
        EventOutcome.Accepted => "accepted",
        EventOutcome.Rejected => "rejected",
        EventOutcome.Ignored => "ignored",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome)),
    };

    /// <summary>The id of the last event in the batch that carried one: where the feed resumes after this batch.</summary>
    protected static string? LastEventId(IReadOnlyList<FeedEvent> events)
    {
        for (var i = events.Count - 1; i >= 0; i--)
        {
            if (events[i].EventId is { } id)
            {
                return id;
            }
        }

        return null;
    }
}
