using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using Dapper;
using Gradebook.Grading;

namespace Gradebook.Storage;

/// <summary>
/// The store's side of a student's data on request: the reads of an export, all from one snapshot, and the erasure's
/// one write transaction. Which raw events and documents mention the student, and what a document is without them, is
/// decided by the caller (<c>Students/StudentData</c>), not here.
/// </summary>
internal sealed class StudentDataStore(StoreEngine engine, BatchWriter writer, ChangeLogStore changeLog)
{
    /// <summary>How many raw batches are read at a time: each holds up to <see cref="RawBatch.MaxEvents"/> events.</summary>
    public const int BatchPage = 32;

    /// <summary>Whether the store holds the student at all: results or a name.</summary>
    public async Task<bool> KnowsAsync(string studentId, CancellationToken cancellationToken) =>
        (await engine.QueryAsync<long>(Sql.StudentKnown, new { student_id = studentId }, cancellationToken)).Single() == 1;

    /// <summary>Opens one snapshot of the store to read a student's data from.</summary>
    public async Task<StudentSnapshot> OpenSnapshotAsync(CancellationToken cancellationToken)
    {
        var connection = await engine.OpenAsync(cancellationToken);
        try
        {
            return new StudentSnapshot(engine, connection, await engine.BeginSnapshotAsync(connection, cancellationToken));
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Begins a student's erasure: takes the student's lock and the write lock, counts the student's rows, and erases
    /// everything derived: its kept sheets out of the exams' running sums as a replaced sheet's are
    /// (<c>writes/take_out_sheets.sql</c>), then its rows (<c>writes/erase_student.sql</c>); the raw record is the caller's to rewrite before it commits.
    /// </summary>
    public async Task<StudentErasure> BeginErasureAsync(string studentId, CancellationToken cancellationToken)
    {
        var connection = await engine.OpenAsync(cancellationToken);
        try
        {
            var transaction = await engine.BeginWriteAsync(connection, cancellationToken);
            var student = new { student_id = studentId };
            var studentNo = (await engine.QueryAsync<long?>(connection, transaction, Sql.LockStudent, student, cancellationToken)).SingleOrDefault();
            var counts = (await engine.QueryAsync<StudentRowCounts>(connection, transaction, Sql.StudentRows, student, cancellationToken)).Single();
            var erased = new { student_id = studentId, student_no = studentNo };
            await engine.ExecuteAsync(connection, transaction, Sql.CreateSheetStaging, null, cancellationToken);
            await engine.ExecuteAsync(connection, transaction, Sql.BeginErasure, erased, cancellationToken);
            await engine.ExecuteAsync(connection, transaction, Sql.TakeOutSheets, null, cancellationToken);
            await engine.ExecuteAsync(connection, transaction, Sql.EraseStudent, erased, cancellationToken);
            var key = (await engine.QueryAsync<byte[]>(connection, transaction, Sql.ErasureKey, null, cancellationToken)).Single();
            return new StudentErasure(engine, writer, changeLog, connection, transaction, counts, key);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Up to <paramref name="limit"/> audit entries of erasures after <paramref name="after"/>, oldest first.</summary>
    public Task<List<ErasureRow>> ListErasuresAsync(long after, int limit, CancellationToken cancellationToken) =>
        engine.QueryAsync<ErasureRow>(Sql.ListErasures, new { after, limit }, cancellationToken);
}

/// <summary>The reads of one export, from one snapshot, each one row at a time.</summary>
internal sealed class StudentSnapshot(StoreEngine engine, DbConnection connection, DbTransaction transaction) : IAsyncDisposable
{
    public IAsyncEnumerable<StudentDataResultRow> ResultsAsync(string studentId, CancellationToken cancellationToken) =>
        StreamAsync<StudentDataResultRow>(Sql.StudentDataResults, new { student_id = studentId }, cancellationToken);

    public IAsyncEnumerable<StudentDataNameRow> NamesAsync(string studentId, CancellationToken cancellationToken) =>
        StreamAsync<StudentDataNameRow>(Sql.StudentDataNames, new { student_id = studentId }, cancellationToken);

    public IAsyncEnumerable<StudentDataAnswerRow> AnswersAsync(string studentId, CancellationToken cancellationToken) =>
        StreamAsync<StudentDataAnswerRow>(Sql.StudentDataAnswers, new { student_id = studentId }, cancellationToken);

    public IAsyncEnumerable<ChangeRow> ChangesAsync(string studentId, CancellationToken cancellationToken) =>
        StreamAsync<ChangeRow>(Sql.StudentDataChanges, new { student_id = studentId }, cancellationToken);

    /// <summary>The raw batches whose text holds <paramref name="needle"/>, in id order, <see cref="StudentDataStore.BatchPage"/> at a time.</summary>
    public async IAsyncEnumerable<RawBatchRow> BatchesAsync(string needle, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var after = 0L;
        while (true)
        {
            var page = await engine.QueryAsync<RawBatchRow>(
                connection, transaction, Sql.StudentBatches, new { needle, after, limit = StudentDataStore.BatchPage }, cancellationToken);
            foreach (var batch in page)
            {
                yield return batch;
            }

            if (page.Count < StudentDataStore.BatchPage)
            {
                yield break;
            }

            after = page[^1].Id;
        }
    }

    /// <summary>The imported documents whose bytes hold <paramref name="needle"/>, in id order, one in memory at a time.</summary>
    public async IAsyncEnumerable<StudentDocumentRow> DocumentsAsync(byte[] needle, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var after = 0L;
        while ((await engine.QueryAsync<StudentDocumentRow>(connection, transaction, Sql.StudentDocuments, new { needle, after }, cancellationToken))
            .SingleOrDefault() is { } document)
        {
            yield return document;
            after = document.Id;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }

    private async IAsyncEnumerable<T> StreamAsync<T>(SqlFile file, object parameters, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var row in connection.QueryUnbufferedAsync<T>(engine.Text(file), parameters, transaction).WithCancellation(cancellationToken))
        {
            yield return row;
        }
    }
}

/// <summary>
/// One erasure's writes, all in its transaction: the derived rows are gone when it begins; the caller rewrites the raw
/// record through it, then commits with the audit entry. Disposing it without committing undoes everything.
/// </summary>
internal sealed class StudentErasure(
    StoreEngine engine, BatchWriter writer, ChangeLogStore changeLog, DbConnection connection, DbTransaction transaction, StudentRowCounts counts, byte[] key)
    : IAsyncDisposable
{
    /// <summary>How many rows of each derived table held the student.</summary>
    public StudentRowCounts Counts { get; } = counts;

    /// <summary>The key the audit entry hashes the student's id with (<c>migrations/*/0014_student_erasures.sql</c>).</summary>
    public byte[] Key { get; } = key;

    /// <summary>The next page of raw batches after <paramref name="after"/> whose text holds <paramref name="needle"/>.</summary>
    public Task<List<RawBatchRow>> BatchesAsync(string needle, long after, CancellationToken cancellationToken) =>
        engine.QueryAsync<RawBatchRow>(connection, transaction, Sql.StudentBatches, new { needle, after, limit = StudentDataStore.BatchPage }, cancellationToken);

    /// <summary>
    /// Writes a batch again without the events at <paramref name="removed"/> (ascending positions): its remaining
    /// events, their outcomes, and its rejections, each moved to its event's new position; a batch left empty goes.
    /// The feed's counts lose the removed events.
    /// </summary>
    public async Task RemoveEventsAsync(RawBatchRow batch, IReadOnlyList<int> removed, CancellationToken cancellationToken)
    {
        var outcomes = new OutcomeCounts(0, 0, 0);
        foreach (var position in removed)
        {
            outcomes = outcomes.Add(RawBatch.Outcome(batch.Outcomes[position]));
        }

        await engine.ExecuteAsync(
            connection,
            transaction,
            Sql.UncountFeed,
            new { source = batch.Source, received = outcomes.Total, accepted = outcomes.Accepted, rejected = outcomes.Rejected, ignored = outcomes.Ignored },
            cancellationToken);
        if (removed.Count == batch.Outcomes.Length)
        {
            await engine.ExecuteAsync(connection, transaction, Sql.DeleteRawBatch, new { id = batch.Id }, cancellationToken);
            return;
        }

        var gone = removed.ToHashSet();
        var kept = string.Concat(batch.Outcomes.Where((_, i) => !gone.Contains(i)));
        await engine.ExecuteAsync(
            connection,
            transaction,
            Sql.RewriteRawBatch,
            new { id = batch.Id, event_count = kept.Length, events = RawBatch.Without(batch.Events, gone), outcomes = kept },
            cancellationToken);
        foreach (var position in removed)
        {
            await engine.ExecuteAsync(connection, transaction, Sql.DeleteRejection, new { batch_id = batch.Id, position }, cancellationToken);
        }

        // In ascending order each rejection moves down to a position already freed, so (batch, position) stays unique.
        var shift = 0;
        for (var position = removed[0]; position < batch.Outcomes.Length; position++)
        {
            if (gone.Contains(position))
            {
                shift++;
            }
            else if (batch.Outcomes[position] == 'r')
            {
                await engine.ExecuteAsync(
                    connection, transaction, Sql.MoveRejection, new { batch_id = batch.Id, old_position = position, new_position = position - shift }, cancellationToken);
            }
        }
    }

    /// <summary>The next imported document after <paramref name="after"/> whose bytes hold <paramref name="needle"/>; null after the last.</summary>
    public async Task<StudentDocumentRow?> NextDocumentAsync(byte[] needle, long after, CancellationToken cancellationToken) =>
        (await engine.QueryAsync<StudentDocumentRow>(connection, transaction, Sql.StudentDocuments, new { needle, after }, cancellationToken)).SingleOrDefault();

    /// <summary>
    /// Stores a document again as <paramref name="document"/> with <paramref name="resultCount"/> sheets, and moves each
    /// kept sheet it gave from its old position to its new one (<paramref name="moves"/>, in ascending order).
    /// </summary>
    public async Task RewriteDocumentAsync(
        long id, byte[] document, int resultCount, IReadOnlyList<(int From, int To)> moves, CancellationToken cancellationToken)
    {
        await engine.ExecuteAsync(connection, transaction, Sql.RewriteImport, new { id, document, result_count = resultCount }, cancellationToken);
        foreach (var (from, to) in moves.Where(m => m.From != m.To))
        {
            await engine.ExecuteAsync(connection, transaction, Sql.MoveSheet, new { import_id = id, old_position = from, new_position = to }, cancellationToken);
        }
    }

    public Task DeleteDocumentAsync(long id, CancellationToken cancellationToken) =>
        engine.ExecuteAsync(connection, transaction, Sql.DeleteImport, new { id }, cancellationToken);

    /// <summary>
    /// Records the audit entry and commits: the data version moves (no cached answer or tag survives), and this
    /// instance's live window forgets what it held.
    /// </summary>
    public async Task CommitAsync(DateTimeOffset erasedAt, string actor, string studentHash, string countsJson, CancellationToken cancellationToken)
    {
        await engine.ExecuteAsync(
            connection,
            transaction,
            Sql.RecordErasure,
            new
            {
                erased_at = erasedAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
                actor,
                student_hash = studentHash,
                counts = countsJson,
            },
            cancellationToken);
        await writer.CommitAsync(connection, transaction, cancellationToken);
        changeLog.AnnounceErasure();
    }

    public async ValueTask DisposeAsync()
    {
        await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }
}
