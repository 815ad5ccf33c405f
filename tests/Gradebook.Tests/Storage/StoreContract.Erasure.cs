using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Gradebook.Imports;
using Gradebook.Storage;
using Gradebook.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gradebook.Tests.Storage;

/// <summary>A student's data on request, on every engine: the export holds every kind of data; the erasure leaves no trace and everyone else as a rebuild makes them.</summary>
public abstract partial class StoreContract
{
    private const string Erased = "zed-4711";
    private const string ErasedFirst = "Zebulon";
    private const string ErasedLast = "Quillfeather";

    /// <summary>
    /// Feed batches (one mixed, with a rejected and a malformed event of the erased student between the others'; one of
    /// the erased student alone) and documents in every format where the erased student sits among others, one that
    /// holds the erased student alone and a rejected one that names them.
    /// </summary>
    private static async Task SeedPeopleAsync(StoreHarness store)
    {
        await store.WriteFeedBatchAsync(
            "feed",
            [
                Scores.Event("amy", 1, 0.5),
                Scores.Event(Erased, 1, 0.75),
                Scores.Raw($$"""{"studentId":"{{Erased}}","exam":2,"score":7}"""),
                Scores.Event("ben", 1, 0.25),
                Scores.Raw($"{{oops {Erased}"),
                Scores.Raw("""{"studentId":"amy","exam":2,"score":-1}"""),
                Scores.Event(Erased, 2, 0.5),
                Scores.Event("cat", 2, 1.0),
                Scores.Event(Erased, 3, 0.125),
                Scores.Event("amy", 3, 0.375),
            ],
            CancellationToken.None);
        await store.WriteFeedBatchAsync("feed", [Scores.Event(Erased, 4, 0.5), Scores.Event(Erased, 5, 0.5), Scores.Event(Erased, 6, 0.5)], CancellationToken.None);

        var importer = new Importer(store.Imports, TimeProvider.System, NullLogger<Importer>.Instance);
        async Task ImportAsync(string document, IDocumentFormat format, string outcome)
        {
            var imported = await importer.ImportAsync(Encoding.UTF8.GetBytes(document), format, "scanner");
            Assert.Equal(outcome, imported.Rejection is null ? "accepted" : "rejected");
        }

        string Named(string sheet, string first, string last) =>
            sheet.Replace("<student-number>", $"<first-name>{first}</first-name><last-name>{last}</last-name><student-number>", StringComparison.Ordinal);

        await ImportAsync(
            Markr.Document(
                Named(Markr.Sheet("amy", 10, null, [("1", "A", 1, 1), ("2", "B", 0, 1), ("3", "C", 1, 1)]), "Amy", "Archer"),
                Named(Markr.Sheet(Erased, 10, null, [("1", "A", 1, 1), ("2", "D", 0, 1), ("3", "C", 1, 1)]), ErasedFirst, ErasedLast),
                Named(Markr.Sheet("ben", 10, null, [("1", "B", 0, 1), ("2", "B", 0, 1), ("3", "C", 1, 1)]), "Ben", "Boyd")),
            DocumentFormats.Markr,
            "accepted");
        await ImportAsync(
            "student-number,first-name,test-id,marks-available,marks-obtained,Q1,Q2,Q3\n" +
            "KEY,,,,,A,B,C\n" +
            $"{Erased},{ErasedFirst},11,3,2,A,B,D\n" +
            "cat,Cat,11,3,3,A,B,C\n" +
            "amy,Amy,11,3,1,A,C,D\n",
            DocumentFormats.All[1],
            "accepted");
        await ImportAsync(
            $$"""
            [{"studentNumber":"ben","testId":12,"summaryMarks":{"available":2,"obtained":1},"answers":[{"question":"1","choice":"A","marksAvailable":1,"marksAwarded":1},{"question":"2","choice":"B","marksAvailable":1,"marksAwarded":0}]},
             {"studentNumber":"{{Erased}}","testId":12,"summaryMarks":{"available":2,"obtained":2},"answers":[{"question":"1","choice":"A","marksAvailable":1,"marksAwarded":1},{"question":"2","choice":"C","marksAvailable":1,"marksAwarded":1}]},
             {"studentNumber":"cat","testId":12,"summaryMarks":{"available":2,"obtained":0},"answers":[{"question":"1","choice":"B","marksAvailable":1,"marksAwarded":0},{"question":"2","choice":"B","marksAvailable":1,"marksAwarded":0}]}]
            """,
            DocumentFormats.All[2],
            "accepted");
        await ImportAsync(Markr.Document(Markr.Sheet(Erased, 13, null, [("1", "A", 1, 1), ("2", "B", 1, 1), ("3", "C", 0, 1)])), DocumentFormats.Markr, "accepted");
        await ImportAsync(Markr.Document(Markr.Result(Erased, 14, 30, 20, ErasedFirst, ErasedLast), Markr.Result("amy", 14, 10, 20, "Amy", "Archer")), DocumentFormats.Markr, "rejected");
    }

    [StoreFact]
    public async Task An_erased_student_leaves_no_trace_and_everyone_else_is_as_a_rebuild_makes_them()
    {
        var store = await NewStoreAsync();
        await SeedPeopleAsync(store);
        await store.RebuildAsync(CancellationToken.None);
        var others = await OthersAsync(store);

        var report = await store.StudentData.EraseAsync(Erased, "registrar", CancellationToken.None);

        Assert.NotNull(report);
        Assert.Equal(others, await OthersAsync(store));
        foreach (var text in new[] { Erased, ErasedFirst, ErasedLast })
        {
            Assert.Empty(await TracesAsync(store, text));
        }

        var erased = await DerivedAsync(store);
        var rebuild = await store.RebuildAsync(CancellationToken.None);
        Assert.Equal((0L, 0L), (rebuild.OutcomesChanged, rebuild.ImportOutcomesChanged));
        AssertClose(erased, await DerivedAsync(store));
        Assert.Null(await store.GetStudentAsync(Erased, CancellationToken.None));
        Assert.False(await store.StudentData.KnowsAsync(Erased, CancellationToken.None));
    }

    [StoreFact]
    public async Task An_erasure_is_audited_with_its_counts_and_the_student_as_a_keyed_hash()
    {
        var store = await NewStoreAsync();
        await SeedPeopleAsync(store);

        var report = await store.StudentData.EraseAsync(Erased, "registrar", CancellationToken.None);

        await using var connection = await store.OpenAsync(CancellationToken.None);
        var key = await connection.QuerySingleAsync<byte[]>("SELECT secret FROM erasure_key");
        var hash = Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(Erased)));
        var entry = Assert.Single(await RowsAsync(store, "SELECT actor, student_hash, counts FROM student_erasures")).Split('|');
        Assert.Equal(["registrar", hash], entry[..2]);
        Assert.Equal(hash, report!.StudentHash);
        var counts = JsonSerializer.Deserialize<Dictionary<string, long>>(entry[2])!;
        Assert.Equal(
            new Dictionary<string, long>
            {
                ["students"] = 1,
                ["results"] = 10,
                ["student_names"] = 2,
                ["answer_sheets"] = 4,
                ["answers"] = 11,
                ["result_changes_log"] = 10,
                ["raw_events"] = 8,
                ["raw_batches"] = 1,
                ["imports_rewritten"] = 3,
                ["imports"] = 2,
            },
            counts);
        Assert.Equal(counts, report.Counts);
        Assert.Null(await store.StudentData.EraseAsync(Erased, "registrar", CancellationToken.None));
    }

    [StoreFact]
    public async Task An_export_holds_every_kind_of_data_about_the_student()
    {
        var store = await NewStoreAsync();
        await SeedPeopleAsync(store);

        using var output = new MemoryStream();
        await store.StudentData.ExportAsync(Erased, output, CancellationToken.None);

        using var export = JsonDocument.Parse(output.ToArray());
        var root = export.RootElement;
        Assert.Equal(Erased, root.GetProperty("studentId").GetString());
        Assert.Equal([1L, 2, 3, 4, 5, 6, 10, 11, 12, 13], root.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("exam").GetInt64()));
        Assert.Equal(
            [$"{ErasedFirst} {ErasedLast}", $"{ErasedFirst} "],
            root.GetProperty("names").EnumerateArray().Select(n => $"{n.GetProperty("firstName").GetString()} {n.GetProperty("lastName").GetString()}"));
        Assert.Equal([10L, 11, 12, 13], root.GetProperty("sheets").EnumerateArray().Select(s => s.GetProperty("exam").GetInt64()));
        Assert.Equal(["A", "D", "C"], root.GetProperty("sheets")[0].GetProperty("answers").EnumerateArray().Select(a => a.GetProperty("choice").GetString()));
        Assert.Equal(10, root.GetProperty("changes").GetArrayLength());
        Assert.Equal(
            ["accepted", "rejected", "rejected", "accepted", "accepted", "accepted", "accepted", "accepted"],
            root.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("outcome").GetString()));
        var documents = root.GetProperty("documents").EnumerateArray().ToList();
        Assert.Equal(["text/xml+markr", "text/csv", "application/json", "text/xml+markr", "text/xml+markr"], documents.Select(d => d.GetProperty("mediaType").GetString()));
        Assert.All(documents, d => Assert.Contains(Erased, d.GetProperty("document").GetString(), StringComparison.Ordinal));

        using var zipped = new MemoryStream();
        await store.StudentData.ExportZipAsync(Erased, zipped, CancellationToken.None);
        zipped.Position = 0;
        using var zip = new ZipArchive(zipped, ZipArchiveMode.Read);
        Assert.Equal(
            ["student.json", .. documents.Select(d => string.Create(CultureInfo.InvariantCulture, $"documents/{d.GetProperty("id").GetInt64()}.{Extension(d.GetProperty("mediaType").GetString()!)}"))],
            zip.Entries.Select(e => e.FullName));
        using var reader = new StreamReader(zip.Entries[2].Open());
        Assert.StartsWith("student-number,first-name", await reader.ReadToEndAsync(), StringComparison.Ordinal);
    }

    [StoreFact]
    public async Task A_student_with_a_hundred_thousand_events_is_exported_a_piece_at_a_time_and_erased()
    {
        var store = await NewStoreAsync();
        for (var batch = 0; batch < 10; batch++)
        {
            await store.WriteFeedBatchAsync("feed", [.. Enumerable.Range(0, 10_000).Select(i => Scores.Event("busy", (batch * 10_000) + i, 0.5))], CancellationToken.None);
        }

        await Scores.WriteAsync(store, ("calm", 1, 0.5));

        var output = new WriteRecorder();
        await store.StudentData.ExportAsync("busy", output, CancellationToken.None);

        // Written as it is read: many writes, none larger than a flush's worth and one page of batches, for megabytes in all.
        Assert.True(output.Length > 10_000_000, $"{output.Length} bytes");
        Assert.True(output.Largest < 256 * 1024, $"a write of {output.Largest} bytes");
        using (var export = JsonDocument.Parse(output.ToArray()))
        {
            Assert.Equal(100_000, export.RootElement.GetProperty("events").GetArrayLength());
            Assert.Equal(100_000, export.RootElement.GetProperty("results").GetArrayLength());
        }

        var report = await store.StudentData.EraseAsync("busy", "registrar", CancellationToken.None);

        Assert.Equal(100_000, report!.Counts["raw_events"]);
        Assert.Equal(["1"], await RowsAsync(store, "SELECT COUNT(*) FROM raw_events"));
        Assert.Equal(["calm"], (await store.ListStudentsAsync("", 10, CancellationToken.None)).Select(s => s.StudentId));
    }

    private static string Extension(string mediaType) => mediaType switch
    {
        "text/csv" => "csv",
        "application/json" => "json",
        _ => "xml",
    };

    /// <summary>What the students other than the erased one have: their results, names and kept answers, by student id.</summary>
    private static async Task<List<string>> OthersAsync(StoreHarness store) =>
    [
        .. await RowsAsync(store, $"SELECT s.student_id, r.exam, r.obtained, r.available FROM results AS r JOIN students AS s ON s.student_no = r.student_no WHERE s.student_id <> '{Erased}' ORDER BY s.student_id, r.exam"),
        .. await RowsAsync(store, $"SELECT student_id, first_name, last_name FROM student_names WHERE student_id <> '{Erased}' ORDER BY student_id, first_name, last_name"),
        .. await RowsAsync(store, $"SELECT s.student_id, a.exam, a.question, a.choice, a.awarded, a.available FROM answers AS a JOIN students AS s ON s.student_no = a.student_no WHERE s.student_id <> '{Erased}' ORDER BY s.student_id, a.exam, a.question"),
    ];

    /// <summary>Everything derived from the raw record, and the record's own counts and outcomes, table by table.</summary>
    private protected static async Task<List<List<object?[]>>> DerivedAsync(StoreHarness store)
    {
        string[] queries =
        [
            "SELECT s.student_id, r.exam, r.obtained, r.available FROM results AS r JOIN students AS s ON s.student_no = r.student_no ORDER BY s.student_id, r.exam",
            "SELECT student_id, exam_count, score_sum FROM students ORDER BY student_id",
            "SELECT exam, student_count, score_sum FROM exams ORDER BY exam",
            "SELECT student_id, first_name, last_name, first_import FROM student_names ORDER BY student_id, first_name, last_name",
            "SELECT s.student_id, k.exam, k.obtained, k.total, k.scanned_on, k.import_id, k.position FROM answer_sheets AS k JOIN students AS s ON s.student_no = k.student_no ORDER BY s.student_id, k.exam",
            "SELECT exam, n, sum_total, sum_total_squared FROM exam_sheet_sums WHERE n > 0 ORDER BY exam",
            "SELECT exam, question, n, sum_awarded, sum_awarded_squared, sum_awarded_by_total, sum_share FROM exam_question_sums WHERE n > 0 ORDER BY exam, question",
            "SELECT exam, question, available, n FROM exam_question_marks WHERE n > 0 ORDER BY exam, question, available",
            "SELECT exam, question, choice, n, sum_total, earning FROM exam_choice_sums WHERE n > 0 ORDER BY exam, question, choice",
            "SELECT source, received, accepted, rejected, ignored FROM feeds ORDER BY source",
            "SELECT id, outcome, reason, result_count FROM imports ORDER BY id",
            "SELECT batch_id, position, data, reason FROM rejected_events ORDER BY batch_id, position",
        ];
        var tables = new List<List<object?[]>>();
        await using var connection = await store.OpenAsync(CancellationToken.None);
        foreach (var query in queries)
        {
            await using var command = connection.Command(query);
            await using var reader = await command.ExecuteReaderAsync();
            var rows = new List<object?[]>();
            while (await reader.ReadAsync())
            {
                rows.Add([.. Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? null : reader.GetValue(i))]);
            }

            tables.Add(rows);
        }

        return tables;
    }

    /// <summary>The same rows; sums taken in another order, to 1e-9.</summary>
    private protected static void AssertClose(List<List<object?[]>> expected, List<List<object?[]>> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        foreach (var (e, a) in expected.Zip(actual))
        {
            Assert.Equal(e.Count, a.Count);
            foreach (var (x, y) in e.Zip(a).SelectMany(rows => rows.First.Zip(rows.Second)))
            {
                if (x is double d)
                {
                    Assert.Equal(d, Convert.ToDouble(y, CultureInfo.InvariantCulture), 1e-9);
                }
                else
                {
                    Assert.Equal(Convert.ToString(x, CultureInfo.InvariantCulture), Convert.ToString(y, CultureInfo.InvariantCulture));
                }
            }
        }
    }

    /// <summary>Every text and binary column of every table, as the schema lists them, that holds <paramref name="text"/>: "table.column" once each.</summary>
    private static async Task<List<string>> TracesAsync(StoreHarness store, string text)
    {
        await using var connection = await store.OpenAsync(CancellationToken.None);
        var columns = store.Dialect == SqlDialect.Sqlite
            ? (await connection.QueryAsync<(string Table, string Column)>(
                "SELECT m.name, c.name FROM sqlite_master AS m JOIN pragma_table_info(m.name) AS c WHERE m.type = 'table' AND (c.type IN ('TEXT', 'BLOB') OR c.type = '')"))
                .Select(c => (c.Table, c.Column, Search: $"instr(\"{c.Column}\", @text) > 0"))
            : (await connection.QueryAsync<(string Table, string Column, string Type)>(
                "SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns AS c JOIN information_schema.tables AS t ON t.table_schema = c.table_schema AND t.table_name = c.table_name WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND c.data_type IN ('text', 'character varying', 'bytea', 'json', 'jsonb')"))
                .Select(c => (c.Table, c.Column, Search: c.Type == "bytea" ? $"position(convert_to(@text, 'UTF8') IN \"{c.Column}\") > 0" : $"strpos(\"{c.Column}\"::text, @text) > 0"));
        var found = new List<string>();
        var searched = 0;
        foreach (var (table, column, search) in columns)
        {
            searched++;
            if (await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM \"{table}\" WHERE {search}", new { text }) > 0)
            {
                found.Add($"{table}.{column}");
            }
        }

        // The search itself can fail to look: it must have gone through the raw record and the documents.
        Assert.True(searched > 20, $"{searched} columns searched");
        return found;
    }

    /// <summary>A stream that keeps what is written to it and the size of the largest single write.</summary>
    private sealed class WriteRecorder : MemoryStream
    {
        public int Largest { get; private set; }

        public override void Write(byte[] buffer, int offset, int count)
        {
            Largest = Math.Max(Largest, count);
            base.Write(buffer, offset, count);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Largest = Math.Max(Largest, count);
            return base.WriteAsync(buffer, offset, count, cancellationToken);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Largest = Math.Max(Largest, buffer.Length);
            return base.WriteAsync(buffer, cancellationToken);
        }
    }
}
