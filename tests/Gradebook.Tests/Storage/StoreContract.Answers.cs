using Gradebook.Imports;
using Gradebook.Tests.Support;

namespace Gradebook.Tests.Storage;

/// <summary>The kept answer sheets, on every engine: which sheet counts for the statistics, and a rebuild that derives them again.</summary>
public abstract partial class StoreContract
{
    private const string KeptAnswers =
        "SELECT s.student_id, a.question, a.choice, a.awarded FROM answers AS a JOIN students AS s ON s.student_no = a.student_no WHERE a.exam = 5 ORDER BY s.student_id, a.question";

    [StoreFact]
    public async Task The_kept_sheet_is_the_highest_obtained_then_the_later_scanned_then_the_later_received()
    {
        var store = await NewStoreAsync();
        await ImportAsync(store, Markr.Document(
            Markr.Sheet("ann", 5, "2026-01-01T09:00:00Z", [("1", "A", 1, 1), ("2", "B", 0, 1)]),
            Markr.Sheet("bob", 5, "2026-01-01T09:00:00Z", [("1", "A", 1, 1), ("2", "C", 1, 1)]),
            Markr.Sheet("cy", 5, null, [("1", "B", 0, 1), ("2", "C", 1, 1)]),
            Markr.Sheet("cy", 5, null, [("1", "D", 0, 1), ("2", "C", 1, 1)])));
        await ImportAsync(store, Markr.Document(
            Markr.Sheet("ann", 5, "2025-01-01T09:00:00Z", [("1", "A", 1, 1), ("2", "C", 1, 1)]),  // higher, though scanned earlier
            Markr.Sheet("bob", 5, "2026-02-01T09:00:00Z", [("1", "B", 0, 1), ("2", "C", 1, 1)]),  // lower, though scanned later
            Markr.Sheet("cy", 5, "2026-01-01T09:00:00Z", [("1", "E", 0, 1), ("2", "C", 1, 1)]))); // as high, scanned (later than never)

        string[] expected = ["ann|1|A|1", "ann|2|C|1", "bob|1|A|1", "bob|2|C|1", "cy|1|E|0", "cy|2|C|1"];
        Assert.Equal(expected, await RowsAsync(store, KeptAnswers));

        // The same marks scanned at the same time: the later received wins.
        await ImportAsync(store, Markr.Document(Markr.Sheet("cy", 5, "2026-01-01T09:00:00Z", [("1", "F", 0, 1), ("2", "C", 1, 1)])));
        Assert.Contains("cy|1|F|0", await RowsAsync(store, KeptAnswers));

        // The results keep their own rule: the highest obtained and available, whatever the sheet.
        Assert.Equal([new Gradebook.Students.StudentResult(5, 1.0)], (await store.GetStudentAsync("ann", CancellationToken.None))!.Results);
    }

    [StoreFact]
    public async Task A_rebuild_derives_the_kept_sheets_again_from_the_documents()
    {
        var store = await NewStoreAsync();
        await ImportAsync(store, Markr.Document(
            Markr.Sheet("ann", 5, "2026-01-01T09:00:00Z", [("1", "A", 1, 1), ("2", "B", 0, 1)]),
            Markr.Sheet("bob", 5, "2026-01-01T09:00:00Z", [("1", "A", 1, 1), ("2", "", 0, 1)])));
        await ImportAsync(store, Markr.Document(Markr.Sheet("ann", 5, "2026-01-02T09:00:00Z", [("1", "A", 1, 1), ("2", "D", 0, 1)])));
        var before = await RowsAsync(store, KeptAnswers);
        var sums = await store.Reads.GetExamItemSumsAsync(5, CancellationToken.None);

        await ExecuteAsync(store, "DELETE FROM answers; DELETE FROM answer_sheets;");
        Assert.Empty(await RowsAsync(store, KeptAnswers));
        await store.RebuildAsync(CancellationToken.None);

        Assert.Equal(before, await RowsAsync(store, KeptAnswers));
        Assert.Equal(
            sums.OrderBy(r => (r.Kind, r.Question, r.Choice)),
            (await store.Reads.GetExamItemSumsAsync(5, CancellationToken.None)).OrderBy(r => (r.Kind, r.Question, r.Choice)));
    }

    private static async Task ImportAsync(StoreHarness store, string document)
    {
        var bytes = Markr.Bytes(document);
        Assert.True(MarkrReader.TryRead(bytes, out var results, out var rejection), rejection?.ToString());
        await store.WriteImportAsync(DateTimeOffset.UtcNow, "test", bytes, results, CancellationToken.None);
    }
}
