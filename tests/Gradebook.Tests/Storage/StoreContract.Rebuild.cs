using Gradebook.Exams;
using Gradebook.Feed;
using Gradebook.Grading;
using Gradebook.Imports;
using Gradebook.Rebuild;
using Gradebook.Storage;
using Gradebook.Students;
using Gradebook.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gradebook.Tests.Storage;

/// <summary>The rebuild, on every engine: everything derived is derived again from the raw records, with today's rules.</summary>
public abstract partial class StoreContract
{
    private const string ImportRecords = "SELECT id, outcome, reason, result_count FROM imports ORDER BY id";
    private const string Names = "SELECT student_id, first_name, last_name, first_import FROM student_names ORDER BY student_id, first_name, last_name";

    /// <summary>
    /// Five batches of scores, each with a malformed event and an ignored one, then an event that is not UTF-8; then six
    /// documents through the importer: three accepted (a re-scan, a second name, a result on an exam the feed scored
    /// too), one with an invalid result, one that is not XML and one that is not results.
    /// </summary>
    internal static async Task WriteHistoryAsync(StoreHarness store)
    {
        var random = new Random(4);
        for (var batch = 0; batch < 5; batch++)
        {
            var events = Enumerable.Range(0, 200)
                .Select(_ => Scores.Event($"s{random.Next(20)}", random.Next(30), random.NextDouble()))
                .Append(Scores.Raw("{not json"))
                .Append(Scores.Raw("{}", eventType: "ping"))
                .ToList();
            await store.WriteFeedBatchAsync("feed", events, CancellationToken.None);
        }

        var utf8 = FeedEvents.Read("score", [.. "{\"studentId\":\"x"u8, 0xFF, .. "\",\"exam\":1,\"score\":1}"u8], DateTimeOffset.UtcNow);
        await store.WriteFeedBatchAsync("feed", [utf8 with { EventId = "bad-utf8" }], CancellationToken.None);

        var importer = new Importer(store.Imports, TimeProvider.System, NullLogger<Importer>.Instance);
        string[] documents =
        [
            Markr.Document(Enumerable.Range(0, 30).Select(i => Markr.Result($"{i % 12:D6}", 1000 + (i % 3), ((i * 7) % 20) + 1, 20, $"First{i % 12}", "Last"))),
            Markr.Document(Markr.Result("000001", 1001, 19, 20, "Firstone", "Last"), Markr.Result("000002", 1002, 3, 25, "First2", "Last")),
            Markr.Document(Markr.Result("s3", 5, 7, 10, "Sam", null)),
            Markr.Document(Markr.Result("000003", 1000, 21, 20), Markr.Result("000004", 1000, 1, 20)),
            "<mcq-test-results><mcq-test-result>",
            "<other-results/>",
        ];
        foreach (var document in documents)
        {
            await importer.ImportAsync(Markr.Bytes(document), DocumentFormats.Markr, "scanner");
        }
    }

    [StoreFact]
    public async Task Rebuilding_an_intact_store_changes_nothing_however_often_it_runs()
    {
        var store = await NewStoreAsync();
        await WriteHistoryAsync(store);
        var before = await SnapshotAsync(store);
        var cursor = await store.GetFeedAsync("feed", CancellationToken.None);

        var first = await store.RebuildAsync(CancellationToken.None);
        var second = await store.RebuildAsync(CancellationToken.None);

        Assert.Equal(new RebuildReport(1_011, 1_000, 6, 5, 0, 6, 3, 3, 0, before.Exams.Sum(e => e.Results.Count)), first);
        Assert.Equal(first, second);
        AssertSame(before, await SnapshotAsync(store));
        Assert.Equal(cursor, await store.GetFeedAsync("feed", CancellationToken.None));
        Assert.Equal(["accepted|30", "accepted|2", "accepted|1", "rejected|2", "rejected|", "rejected|"], await RowsAsync(store, "SELECT outcome, result_count FROM imports ORDER BY id"));
        Assert.Equal(["", "", "", "invalid_results", "malformed_xml", "not_results"], (await RowsAsync(store, "SELECT reason FROM imports ORDER BY id")).Select(r => r.Split(':')[0]));
    }

    [StoreFact]
    public async Task Lost_derived_data_is_derived_again_from_the_raw_records()
    {
        var store = await NewStoreAsync();
        await WriteHistoryAsync(store);
        var before = await SnapshotAsync(store);
        await ExecuteAsync(store, "DELETE FROM results; DELETE FROM students; DELETE FROM student_names; UPDATE exams SET score_sum = 0;");

        await store.RebuildAsync(CancellationToken.None);

        AssertSame(before, await SnapshotAsync(store));
        Assert.Equal(0.95, (await store.GetStudentAsync("000001", CancellationToken.None))!.Results.Single(r => r.Exam == 1001).Score);
        Assert.Equal(0.76, (await store.GetStudentAsync("000002", CancellationToken.None))!.Results.Single(r => r.Exam == 1002).Score);
        Assert.Equal([new StudentResult(5, 0.7)], (await store.GetStudentAsync("s3", CancellationToken.None))!.Results.Where(r => r.Exam == 5));
    }

    [StoreFact]
    public async Task An_event_that_fails_todays_rules_becomes_a_rejection_and_leaves_the_results()
    {
        var store = await NewStoreAsync();
        await store.WriteFeedBatchAsync("feed", [Scores.Event("amy", 1, 0.5, "1"), Scores.Event("amy", 2, 0.9, "2")], CancellationToken.None);
        // Stands in for a stricter rule: the stored event no longer passes validation.
        await ExecuteAsync(store, """UPDATE raw_batches SET events = replace(events, '\"score\":0.9', '\"score\":1.9')""");

        var report = await store.RebuildAsync(CancellationToken.None);

        Assert.Equal(1, report.OutcomesChanged);
        var amy = await store.GetStudentAsync("amy", CancellationToken.None);
        Assert.Equal([new StudentResult(1, 0.5)], amy!.Results);
        Assert.Equal(0.5, amy.Average);
        Assert.Equal(new FeedCursor { LastEventId = "2", Received = 2, Accepted = 1, Rejected = 1, Ignored = 0 }, await store.GetFeedAsync("feed", CancellationToken.None));
        var rejection = Assert.Single(await store.ListRejectionsAsync(0, 10, CancellationToken.None));
        Assert.StartsWith("invalid_score: ", rejection.Reason, StringComparison.Ordinal);
        Assert.Null(await store.GetExamAsync(2, CancellationToken.None));
    }

    [StoreFact]
    public async Task A_document_that_fails_todays_rules_becomes_a_rejection_and_its_results_and_names_leave()
    {
        var store = await NewStoreAsync();
        var importer = new Importer(store.Imports, TimeProvider.System, NullLogger<Importer>.Instance);
        await importer.ImportAsync(Markr.Bytes(Markr.Document(Markr.Result("amy", 1, 10, 20, "Amy", "Ng"))), DocumentFormats.Markr, "scanner");
        var second = await importer.ImportAsync(Markr.Bytes(Markr.Document(Markr.Result("amy", 2, 18, 20, "Amy", "Ng"), Markr.Result("bob", 2, 5, 20, "Bob", "Li"))), DocumentFormats.Markr, "scanner");
        // Stands in for a stricter rule: the stored document no longer passes validation.
        await ExecuteAsync(
            store,
            "UPDATE imports SET document = @document WHERE id = @id",
            ("document", Markr.Bytes(Markr.Document(Markr.Result("amy", 2, 18, 20, "Amy", "Ng"), Markr.Result("bob", 2, 25, 20, "Bob", "Li")))),
            ("id", second.ImportId));

        var report = await store.RebuildAsync(CancellationToken.None);
        var again = await store.RebuildAsync(CancellationToken.None);

        Assert.Equal((2, 1, 1, 1), (report.Imports, report.ImportsAccepted, report.ImportsRejected, report.ImportOutcomesChanged));
        Assert.Equal(report with { ImportOutcomesChanged = 0 }, again);
        var amy = await store.GetStudentAsync("amy", CancellationToken.None);
        Assert.Equal([new StudentResult(1, 0.5)], amy!.Results);
        Assert.Equal(0.5, amy.Average);
        Assert.Null(await store.GetStudentAsync("bob", CancellationToken.None));
        Assert.Null(await store.GetExamAsync(2, CancellationToken.None));
        Assert.Equal(["amy|Amy|Ng|1"], await RowsAsync(store, Names));
        var records = await RowsAsync(store, ImportRecords);
        Assert.Equal("1|accepted||1", records[0]);
        Assert.StartsWith("2|rejected|invalid_results: 1 of 2 results is invalid", records[1], StringComparison.Ordinal);
        Assert.Contains("result 1 (line ", records[1], StringComparison.Ordinal);
        Assert.EndsWith("|2", records[1], StringComparison.Ordinal);
    }

    [StoreFact]
    public async Task A_document_rejected_for_invalid_results_that_passes_today_is_accepted()
    {
        var store = await NewStoreAsync();
        var document = Markr.Bytes(Markr.Document(Markr.Result("amy", 1, 15, 20, "Amy", "Ng"), Markr.Result("bob", 1, 5, 20, "Bob", "Li")));
        // Stands in for a rule that has since been relaxed: a name then counted as too long.
        await store.RecordRejectedImportAsync(
            DateTimeOffset.UtcNow,
            "scanner",
            document,
            "invalid_results: 1 of 2 results is invalid; nothing in the document was stored.\nresult 0 (line 3, student-number 'amy'): first-name must be at most 2 characters, got 3",
            2,
            CancellationToken.None);

        var report = await store.RebuildAsync(CancellationToken.None);

        Assert.Equal((1, 1, 0, 1), (report.Imports, report.ImportsAccepted, report.ImportsRejected, report.ImportOutcomesChanged));
        Assert.Equal(["1|accepted||2"], await RowsAsync(store, ImportRecords));
        var exam = await store.GetExamAsync(1, CancellationToken.None);
        Assert.Equal([new ExamResult("amy", 0.75), new ExamResult("bob", 0.25)], exam!.Results);
        Assert.Equal(0.5, exam.Average);
        Assert.Equal(["amy|Amy|Ng|1", "bob|Bob|Li|1"], await RowsAsync(store, Names));
    }

    [StoreFact]
    public async Task A_document_rejected_as_not_results_stays_rejected_even_when_it_reads_today()
    {
        var store = await NewStoreAsync();
        const string reason = "not_results: The root element is <mcq-test-results>, not <markr-results>.";
        // Stands in for an older reader that expected another root element: its sender was told to fix its software.
        await store.RecordRejectedImportAsync(DateTimeOffset.UtcNow, "scanner", Markr.Bytes(Markr.Example), reason, null, CancellationToken.None);

        var report = await store.RebuildAsync(CancellationToken.None);

        Assert.Equal((1, 0, 1, 0), (report.Imports, report.ImportsAccepted, report.ImportsRejected, report.ImportOutcomesChanged));
        Assert.Equal([$"1|rejected|{reason}|"], await RowsAsync(store, ImportRecords));
        Assert.Empty(await store.ListExamsAsync(-1, 10, CancellationToken.None));
        Assert.Empty(await RowsAsync(store, Names));
    }

    /// <summary>Everything a rebuild derives or records: every student's and exam's results and averages, the names, the import records.</summary>
    private static async Task<Snapshot> SnapshotAsync(StoreHarness store)
    {
        var students = new List<StudentDetails>();
        foreach (var summary in await store.ListStudentsAsync("", 1000, CancellationToken.None))
        {
            students.Add((await store.GetStudentAsync(summary.StudentId, CancellationToken.None))!);
        }

        var exams = new List<ExamReport>();
        foreach (var summary in await store.ListExamsAsync(-1, 1000, CancellationToken.None))
        {
            exams.Add((await store.GetExamAsync(summary.Exam, CancellationToken.None))!);
        }

        return new Snapshot(students, exams, await RowsAsync(store, Names), await RowsAsync(store, ImportRecords));
    }

    /// <summary>The same results, names and records; averages, sums taken in another order, to 1e-12.</summary>
    private static void AssertSame(Snapshot expected, Snapshot actual)
    {
        Assert.Equal(expected.Students.Select(s => (s.StudentId, s.ExamCount)), actual.Students.Select(s => (s.StudentId, s.ExamCount)));
        Assert.All(expected.Students.Zip(actual.Students), p =>
        {
            Assert.Equal(p.First.Results, p.Second.Results);
            Assert.Equal(p.First.Average, p.Second.Average, 1e-12);
        });
        Assert.Equal(expected.Exams.Select(e => (e.Exam, e.StudentCount)), actual.Exams.Select(e => (e.Exam, e.StudentCount)));
        Assert.All(expected.Exams.Zip(actual.Exams), p =>
        {
            Assert.Equal(p.First.Results, p.Second.Results);
            Assert.Equal(p.First.Average, p.Second.Average, 1e-12);
        });
        Assert.Equal(expected.Names, actual.Names);
        Assert.Equal(expected.Imports, actual.Imports);
    }

    private static async Task ExecuteAsync(StoreHarness store, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await store.OpenAsync(CancellationToken.None);
        await using var command = connection.Command(sql);
        foreach (var (name, value) in parameters)
        {
            command.Add(name, value);
        }

        await command.ExecuteNonQueryAsync();
    }

    private sealed record Snapshot(List<StudentDetails> Students, List<ExamReport> Exams, List<string> Names, List<string> Imports);
}
