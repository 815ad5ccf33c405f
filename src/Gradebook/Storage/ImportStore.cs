using System.Data.Common;
using System.Globalization;
using Dapper;
using Gradebook.Grading;

namespace Gradebook.Storage;

/// <summary>A name a student id has been given; a part the documents left out is null.</summary>
internal sealed record StudentName(string? FirstName, string? LastName);

/// <summary>A name a document gives a student id.</summary>
internal sealed record GivenName(string StudentId, StudentName Name);

/// <summary>A student id that has been given more than one name, with every one of them.</summary>
internal sealed record NameConflict(string StudentId, IReadOnlyList<StudentName> Names);

/// <summary>An accepted document as committed: its id in the import record and its students' name conflicts.</summary>
internal sealed record StoredImport(long ImportId, IReadOnlyList<NameConflict> NameConflicts);

/// <summary>Imported documents' writes: the raw document record (with the media type it was sent as), its results, its students' names and its answered sheets.</summary>
internal sealed class ImportStore(StoreEngine engine, BatchWriter writer)
{
    /// <summary>
    /// Stores an accepted document in one transaction: its raw record, its results (merged by the highest-marks rule)
    /// and its students' names. Returns the students of the document who now have more than one name.
    /// </summary>
    public async Task<StoredImport> WriteAcceptedAsync(
        DateTimeOffset receivedAt,
        string client,
        byte[] document,
        string mediaType,
        IReadOnlyList<MarkedResult> results,
        IReadOnlyList<GivenName> names,
        IReadOnlyList<AnsweredSheet> sheets,
        CancellationToken cancellationToken)
    {
        await using var connection = await engine.OpenAsync(cancellationToken);
        await using var transaction = await engine.BeginWriteAsync(connection, cancellationToken);
        var importId = await InsertAsync(connection, transaction, receivedAt, client, document, mediaType, "accepted", null, results.Count, cancellationToken);
        await MergeAsync(connection, transaction, importId, results, names, sheets, cancellationToken);
        var conflicts = await ReadNameConflictsAsync(connection, transaction, cancellationToken);
        await writer.CommitAsync(connection, transaction, cancellationToken);
        return new StoredImport(importId, conflicts);
    }

    /// <summary>Records a rejected document with its reason and the client that sent it, alone in its transaction: nothing of it reaches the results.</summary>
    public async Task<long> RecordRejectedAsync(
        DateTimeOffset receivedAt, string client, byte[] document, string mediaType, string reason, int? resultCount, CancellationToken cancellationToken)
    {
        await using var connection = await engine.OpenAsync(cancellationToken);
        await using var transaction = await engine.BeginWriteAsync(connection, cancellationToken);
        var importId = await InsertAsync(connection, transaction, receivedAt, client, document, mediaType, "rejected", reason, resultCount, cancellationToken);
        await writer.CommitAsync(connection, transaction, cancellationToken);
        return importId;
    }

    /// <summary>
    /// Folds an accepted document's results (highest marks win), names (every new one kept) and answered sheets (the
    /// kept sheet rule, <see cref="AnsweredSheet"/>) into the store, inside the caller's transaction; the names and
    /// sheets stay staged until the next document.
    /// </summary>
    public async Task MergeAsync(
        DbConnection connection,
        DbTransaction transaction,
        long importId,
        IReadOnlyList<MarkedResult> results,
        IReadOnlyList<GivenName> names,
        IReadOnlyList<AnsweredSheet> sheets,
        CancellationToken cancellationToken)
    {
        await writer.MergeAsync(connection, transaction, results, cancellationToken);
        await engine.ExecuteAsync(connection, transaction, Sql.CreateNameStaging, null, cancellationToken);
        if (names.Count > 0)
        {
            // Dapper runs the statement once per name, prepared once, in this transaction.
            await engine.ExecuteAsync(
                connection,
                transaction,
                Sql.StageName,
                names.Select(n => new { student_id = n.StudentId, first_name = n.Name.FirstName ?? "", last_name = n.Name.LastName ?? "" }),
                cancellationToken);
        }

        await engine.ExecuteAsync(connection, transaction, Sql.MergeNames, new { import_id = importId }, cancellationToken);
        if (sheets.Count > 0)
        {
            await engine.ExecuteAsync(connection, transaction, Sql.CreateSheetStaging, null, cancellationToken);
            await engine.ExecuteAsync(connection, transaction, Sql.StageSheets, SheetRows.Of(sheets), cancellationToken);
            await engine.ExecuteAsync(connection, transaction, Sql.MergeSheets, null, cancellationToken);
            await engine.ExecuteAsync(connection, transaction, Sql.TakeOutSheets, null, cancellationToken);
            await engine.ExecuteAsync(connection, transaction, Sql.KeepSheets, new { import_id = importId }, cancellationToken);
        }
    }

    private async Task<long> InsertAsync(
        DbConnection connection,
        DbTransaction transaction,
        DateTimeOffset receivedAt,
        string client,
        byte[] document,
        string mediaType,
        string outcome,
        string? reason,
        int? resultCount,
        CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            engine.Text(Sql.InsertImport),
            new
            {
                received_at = receivedAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
                document,
                media_type = mediaType,
                outcome,
                reason,
                result_count = resultCount,
                client,
            },
            transaction,
            cancellationToken: cancellationToken));

    private async Task<IReadOnlyList<NameConflict>> ReadNameConflictsAsync(
        DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var rows = await engine.QueryAsync<StudentNameRow>(connection, transaction, Sql.NameConflicts, null, cancellationToken);
        return [.. rows
            .GroupBy(r => r.StudentId, StringComparer.Ordinal)
            .Select(g => new NameConflict(g.Key, [.. g.Select(r => new StudentName(NullIfEmpty(r.FirstName), NullIfEmpty(r.LastName)))]))];
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
