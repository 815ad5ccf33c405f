using Gradebook.Exams;
using Gradebook.Imports;
using Gradebook.Storage;
using Gradebook.Students;
using Gradebook.Tests.Support;

namespace Gradebook.Tests.Storage;

/// <summary>The store's side of Markr imports, on every engine: the import record, the results and the names.</summary>
public abstract partial class StoreContract
{
    [StoreFact]
    public async Task An_accepted_document_is_committed_with_its_results_and_names()
    {
        var store = await NewStoreAsync();
        ImportedSheet[] results = [Result(0, "a", 13, 20, "Jane", "Austen"), Result(1, "b", 5, 10, null, null), Result(2, "a", 14, 25, "Jane", "Austen")];

        var stored = await store.WriteImportAsync(DateTimeOffset.UtcNow, "scanner", [1, 2, 3], results, CancellationToken.None);

        Assert.Equal(1, stored.ImportId);
        Assert.Empty(stored.NameConflicts);
        var exam = await store.GetExamAsync(1234, CancellationToken.None);
        Assert.Equal([new ExamResult("a", 14.0 / 25), new ExamResult("b", 0.5)], exam!.Results);
        Assert.Equal(["a|Jane|Austen|1"], await RowsAsync(store, "SELECT student_id, first_name, last_name, first_import FROM student_names"));
        Assert.Equal(["1|accepted||3|3|scanner"], await RowsAsync(store, "SELECT id, outcome, reason, result_count, length(document), client FROM imports"));
    }

    [StoreFact]
    public async Task A_rejected_document_is_recorded_alone_with_its_reason()
    {
        var store = await NewStoreAsync();

        var id = await store.RecordRejectedImportAsync(DateTimeOffset.UtcNow, "scanner", [60, 120], "malformed_xml: nope", null, CancellationToken.None);

        Assert.Equal(1, id);
        Assert.Equal(["rejected|malformed_xml: nope||scanner"], await RowsAsync(store, "SELECT outcome, reason, result_count, client FROM imports"));
        Assert.Empty(await store.ListExamsAsync(-1, 10, CancellationToken.None));
        Assert.Empty(await RowsAsync(store, "SELECT student_id FROM student_names"));
    }

    [StoreFact]
    public async Task A_second_name_for_a_student_is_kept_beside_the_first_and_reported_with_it()
    {
        var store = await NewStoreAsync();
        await store.WriteImportAsync(DateTimeOffset.UtcNow, "scanner", [1], [Result(0, "a", 1, 2, "Jane", null)], CancellationToken.None);

        var stored = await store.WriteImportAsync(DateTimeOffset.UtcNow, "scanner", [2], [Result(0, "a", 1, 2, "Jane", "Austen"), Result(1, "z", 1, 2, "Zed", null)], CancellationToken.None);

        var conflict = Assert.Single(stored.NameConflicts);
        Assert.Equal("a", conflict.StudentId);
        Assert.Equal([new StudentName("Jane", null), new StudentName("Jane", "Austen")], conflict.Names);
        Assert.Equal(
            ["a||Jane|1", "a|Austen|Jane|2", "z||Zed|2"],
            await RowsAsync(store, "SELECT student_id, last_name, first_name, first_import FROM student_names ORDER BY student_id, last_name, first_name"));
    }

    private static ImportedSheet Result(int index, string student, double obtained, double available, string? firstName, string? lastName) =>
        new(index, student, 1234, obtained, available, firstName, lastName, null, []);
}
