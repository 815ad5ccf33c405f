using System.Data.Common;
using System.Globalization;
using Gradebook.Imports;

namespace Gradebook.Storage;

/// <summary>A name a student id has been given; a part the documents left out is null.</summary>
internal sealed record StudentName(string? FirstName, string? LastName);

/// <summary>A student id that has been given more than one name, with every one of them.</summary>
internal sealed record NameConflict(string StudentId, IReadOnlyList<StudentName> Names);

/// <summary>An accepted document as committed: its id in the import record and its students' name conflicts.</summary>
internal sealed record StoredImport(long ImportId, IReadOnlyList<NameConflict> NameConflicts);

/// <summary>Markr imports: the same SQL on every engine, through the engine's connections, transactions and merge.</summary>
internal abstract partial class Store
{
    /// <summary>
    /// Stores an accepted document in one transaction: its raw record, its results (merged by the highest-marks rule)
    /// and its students' names. Returns the students of the document who now have more than one name.
    /// </summary>
    public async Task<StoredImport> WriteImportAsync(
        DateTimeOffset receivedAt, string client, byte[] document, IReadOnlyList<MarkrResult> results, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        var importId = await InsertImportAsync(connection, transaction, receivedAt, client, document, "accepted", null, results.Count, cancellationToken);
        await MergeImportAsync(connection, transaction, importId, results, cancellationToken);
        var conflicts = await ReadNameConflictsAsync(connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new StoredImport(importId, conflicts);
    }

    /// <summary>Records a rejected document with its reason, alone in its transaction: nothing of it reaches the results.</summary>
    public async Task<long> RecordRejectedImportAsync(
        DateTimeOffset receivedAt, string client, byte[] document, string reason, int? resultCount, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        var importId = await InsertImportAsync(connection, transaction, receivedAt, client, document, "rejected", reason, resultCount, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return importId;
    }

    private string Sql(string path) => SqlScripts.Get(path, Dialect);

    private async Task<long> InsertImportAsync(
        DbConnection connection,
        DbTransaction transaction,
        DateTimeOffset receivedAt,
        string client,
        byte[] document,
        string outcome,
        string? reason,
        int? resultCount,
        CancellationToken cancellationToken)
    {
        await using var insert = connection.Command(Sql("writes/insert_import.sql"), transaction);
        insert.Add("received_at", receivedAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
        insert.Add("document", document);
        insert.Add("outcome", outcome);
        insert.Add("reason", reason);
        insert.Add("result_count", resultCount);
        insert.Add("client", client);
        return Convert.ToInt64(await insert.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Folds an accepted document's results (highest marks win) and names (every new one kept) into the store, inside the
    /// caller's transaction; the names stay staged in <c>incoming_names</c> until the next document.
    /// </summary>
    private async Task MergeImportAsync(
        DbConnection connection, DbTransaction transaction, long importId, IReadOnlyList<MarkrResult> results, CancellationToken cancellationToken)
    {
        await MergeAsync(
            connection, transaction, results.Select(r => new StagedResult(r.StudentNumber, r.TestId, r.Obtained, r.Available)), cancellationToken);
        await StageNamesAsync(connection, transaction, results, cancellationToken);
        await using var merge = connection.Command(Sql("writes/merge_names.sql"), transaction);
        merge.Add("import_id", importId);
        await merge.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Stages the names the document gives, one prepared statement per named result, into <c>incoming_names</c>.</summary>
    private async Task StageNamesAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<MarkrResult> results, CancellationToken cancellationToken)
    {
        await using (var create = connection.Command(Sql("writes/create_name_staging.sql"), transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var stage = connection.Command(Sql("writes/stage_name.sql"), transaction);
        var studentId = stage.Add("student_id", null);
        var firstName = stage.Add("first_name", null);
        var lastName = stage.Add("last_name", null);
        var prepared = false;
        foreach (var result in results.Where(r => r.FirstName is not null || r.LastName is not null))
        {
            studentId.Value = result.StudentNumber;
            firstName.Value = result.FirstName ?? "";
            lastName.Value = result.LastName ?? "";
            if (!prepared)
            {
                // Prepared once the parameters hold values, so that engines which type them from the values can.
                await stage.PrepareAsync(cancellationToken);
                prepared = true;
            }

            await stage.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private async Task<IReadOnlyList<NameConflict>> ReadNameConflictsAsync(
        DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var query = connection.Command(Sql("writes/name_conflicts.sql"), transaction);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        var conflicts = new List<NameConflict>();
        List<StudentName>? names = null;
        while (await reader.ReadAsync(cancellationToken))
        {
            var studentId = reader.GetString(0);
            if (conflicts.Count == 0 || conflicts[^1].StudentId != studentId)
            {
                names = [];
                conflicts.Add(new NameConflict(studentId, names));
            }

            names!.Add(new StudentName(NullIfEmpty(reader.GetString(1)), NullIfEmpty(reader.GetString(2))));
        }

        return conflicts;
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
