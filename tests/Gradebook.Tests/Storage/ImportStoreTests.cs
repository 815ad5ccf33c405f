using Gradebook.Imports;
using Gradebook.Storage;
using Gradebook.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Gradebook.Tests.Storage;

public sealed class ImportStoreTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task An_accepted_document_is_committed_with_its_results_and_names()
    {
        var store = await Scores.NewSqliteStoreAsync(_directory);
        MarkrResult[] results = [Result(0, "a", 13, 20, "Jane", "Austen"), Result(1, "b", 5, 10, null, null), Result(2, "a", 14, 25, "Jane", "Austen")];

        var stored = await store.WriteImportAsync(DateTimeOffset.UtcNow, [1, 2, 3], results, CancellationToken.None);

        Assert.Equal(1, stored.ImportId);
        Assert.Empty(stored.NameConflicts);
        var exam = await store.GetExamAsync(1234, CancellationToken.None);
        Assert.Equal([new ExamResult("a", 14.0 / 25), new ExamResult("b", 0.5)], exam!.Results);
        Assert.Equal(["a|Jane|Austen|1"], await RowsAsync("SELECT student_id || '|' || first_name || '|' || last_name || '|' || first_import FROM student_names"));
        Assert.Equal(["1|accepted||3|3"], await RowsAsync("SELECT id || '|' || outcome || '|' || COALESCE(reason, '') || '|' || result_count || '|' || length(document) FROM imports"));
    }

    [Fact]
    public async Task A_rejected_document_is_recorded_alone_with_its_reason()
    {
        var store = await Scores.NewSqliteStoreAsync(_directory);

        var id = await store.RecordRejectedImportAsync(DateTimeOffset.UtcNow, [60, 120], "malformed_xml: nope", null, CancellationToken.None);

        Assert.Equal(1, id);
        Assert.Equal(["rejected|malformed_xml: nope|"], await RowsAsync("SELECT outcome || '|' || reason || '|' || COALESCE(result_count, '') FROM imports"));
        Assert.Empty(await store.ListExamsAsync(-1, 10, CancellationToken.None));
        Assert.Empty(await RowsAsync("SELECT student_id FROM student_names"));
    }

    [Fact]
    public async Task A_second_name_for_a_student_is_kept_beside_the_first_and_reported_with_it()
    {
        var store = await Scores.NewSqliteStoreAsync(_directory);
        await store.WriteImportAsync(DateTimeOffset.UtcNow, [1], [Result(0, "a", 1, 2, "Jane", null)], CancellationToken.None);

        var stored = await store.WriteImportAsync(DateTimeOffset.UtcNow, [2], [Result(0, "a", 1, 2, "Jane", "Austen"), Result(1, "z", 1, 2, "Zed", null)], CancellationToken.None);

        var conflict = Assert.Single(stored.NameConflicts);
        Assert.Equal("a", conflict.StudentId);
        Assert.Equal([new StudentName("Jane", null), new StudentName("Jane", "Austen")], conflict.Names);
        Assert.Equal(["a|Austen|Jane|2", "a||Jane|1", "z||Zed|2"], await RowsAsync("SELECT student_id || '|' || last_name || '|' || first_name || '|' || first_import FROM student_names ORDER BY 1"));
    }

    private static MarkrResult Result(int index, string student, double obtained, double available, string? firstName, string? lastName) =>
        new(index, student, 1234, obtained, available, firstName, lastName);

    private async Task<List<string>> RowsAsync(string sql)
    {
        await using var connection = new SqliteConnection(_directory.SqliteConnectionString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }
}
