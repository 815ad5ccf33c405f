using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Gradebook.Imports;
using Gradebook.Storage;

namespace Gradebook.Students;

/// <summary>What an erasure removed: the student as the trail names them, and how many rows of each table went, by table name.</summary>
internal sealed record ErasureReport(string StudentHash, IReadOnlyDictionary<string, long> Counts);

/// <summary>
/// A student's data on request: everything Gradebook holds about one student, exported (<see cref="ExportAsync"/>) or
/// erased (<see cref="EraseAsync"/>). Both find the raw events and documents that mention the student the same way
/// (<see cref="Mentions"/>); the endpoints and the command line call this class, never the store.
/// </summary>
internal sealed partial class StudentData(StudentDataStore store, TimeProvider time, ILogger<StudentData> logger)
{
    private static readonly JsonWriterOptions Writing = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    /// <summary>How many bytes of JSON are held before they are written out: the export's memory does not grow with the student's data.</summary>
    private const int FlushBytes = 32 * 1024;

    /// <summary>Whether Gradebook holds the student: results or a name.</summary>
    public Task<bool> KnowsAsync(string studentId, CancellationToken cancellationToken) => store.KnowsAsync(studentId, cancellationToken);

    /// <summary>Up to <paramref name="limit"/> entries of the trail of erasures after <paramref name="after"/>, oldest first.</summary>
    public Task<List<ErasureRow>> ErasuresAsync(long after, int limit, CancellationToken cancellationToken) =>
        store.ListErasuresAsync(after, limit, cancellationToken);

    /// <summary>
    /// Writes everything Gradebook holds about the student to <paramref name="output"/> as one JSON object, read from
    /// one snapshot and written as it is read: the aggregate and results, the names as received, the kept sheets and
    /// their answers, the student's changes in the live log, and the raw events and documents that mention them.
    /// </summary>
    public async Task ExportAsync(string studentId, Stream output, CancellationToken cancellationToken)
    {
        await using var snapshot = await store.OpenSnapshotAsync(cancellationToken);
        await WriteJsonAsync(snapshot, studentId, output, withDocuments: true, cancellationToken);
    }

    /// <summary>
    /// Writes a ZIP to <paramref name="output"/>: <c>student.json</c> (the export, each document named by its file rather
    /// than held inline) and each document that mentions the student as it was received, <c>documents/{id}.{xml|csv|json}</c>.
    /// </summary>
    public async Task ExportZipAsync(string studentId, Stream output, CancellationToken cancellationToken)
    {
        await using var snapshot = await store.OpenSnapshotAsync(cancellationToken);
        await using var zip = await ZipArchive.CreateAsync(output, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null, cancellationToken);
        await using (var json = await zip.CreateEntry("student.json", CompressionLevel.Fastest).OpenAsync(cancellationToken))
        {
            await WriteJsonAsync(snapshot, studentId, json, withDocuments: false, cancellationToken);
        }

        await foreach (var document in snapshot.DocumentsAsync(Encoding.UTF8.GetBytes(studentId), cancellationToken))
        {
            await using var entry = await zip.CreateEntry(FileName(document), CompressionLevel.Fastest).OpenAsync(cancellationToken);
            await entry.WriteAsync(document.Document, cancellationToken);
        }
    }

    /// <summary>
    /// Erases the student everywhere, in one transaction: every derived row (the exams' aggregates and statistics made
    /// again without them), the raw events that mention them, their sheets in each document (a document left with
    /// nobody goes, as does a rejected one that mentions them), their changes in the live log; then records the audit
    /// entry and moves the data version. Null when Gradebook holds nothing of the student.
    /// </summary>
    public async Task<ErasureReport?> EraseAsync(string studentId, string actor, CancellationToken cancellationToken)
    {
        if (!await store.KnowsAsync(studentId, cancellationToken))
        {
            return null;
        }

        await using var erasure = await store.BeginErasureAsync(studentId, cancellationToken);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal)
        {
            ["students"] = erasure.Counts.Students,
            ["results"] = erasure.Counts.Results,
            ["student_names"] = erasure.Counts.StudentNames,
            ["answer_sheets"] = erasure.Counts.AnswerSheets,
            ["answers"] = erasure.Counts.Answers,
            ["result_changes_log"] = erasure.Counts.ResultChangesLog,
        };
        var (events, batches) = await EraseEventsAsync(erasure, studentId, cancellationToken);
        counts["raw_events"] = events;
        counts["raw_batches"] = batches;
        var (rewritten, removed) = await EraseFromDocumentsAsync(erasure, studentId, cancellationToken);
        counts["imports_rewritten"] = rewritten;
        counts["imports"] = removed;

        var hash = Convert.ToHexStringLower(HMACSHA256.HashData(erasure.Key, Encoding.UTF8.GetBytes(studentId)));
        var countsJson = JsonSerializer.Serialize(counts, StudentsJsonContext.Default.IReadOnlyDictionaryStringInt64);
        await erasure.CommitAsync(time.GetUtcNow(), actor, hash, countsJson, cancellationToken);
        LogErased(logger, hash, actor, counts["results"], events, rewritten + removed);
        return new ErasureReport(hash, counts);
    }

    /// <summary>
    /// Whether a raw event's data mentions the student: a JSON payload when any of its strings is the id (a score's
    /// studentId, or the id anywhere else); a payload that is not JSON when it holds the id between characters that
    /// cannot continue it (letters, digits), so that erasing "12" leaves "123" alone.
    /// </summary>
    public static bool Mentions(string data, string studentId)
    {
        if (!data.Contains(studentId, StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            using var json = JsonDocument.Parse(data);
            return HoldsString(json.RootElement, studentId);
        }
        catch (JsonException)
        {
            for (var at = data.IndexOf(studentId, StringComparison.Ordinal); at >= 0; at = data.IndexOf(studentId, at + 1, StringComparison.Ordinal))
            {
                var end = at + studentId.Length;
                if ((at == 0 || !char.IsLetterOrDigit(data[at - 1])) && (end == data.Length || !char.IsLetterOrDigit(data[end])))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>The student's id as a raw batch's text holds it: a string of JSON inside a string of JSON (<see cref="RawBatch"/>).</summary>
    private static string BatchNeedle(string studentId)
    {
        static string Escaped(string text) => JsonEncodedText.Encode(text, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString();
        return Escaped(Escaped(studentId));
    }

    private static bool HoldsString(JsonElement element, string value) => element.ValueKind switch
    {
        JsonValueKind.String => element.ValueEquals(value),
        JsonValueKind.Object => element.EnumerateObject().Any(p => p.NameEquals(value) || HoldsString(p.Value, value)),
        JsonValueKind.Array => element.EnumerateArray().Any(e => HoldsString(e, value)),
        _ => false,
    };

    private static async Task<(long Events, long Batches)> EraseEventsAsync(StudentErasure erasure, string studentId, CancellationToken cancellationToken)
    {
        long events = 0, batches = 0, after = 0;
        var needle = BatchNeedle(studentId);
        while (await erasure.BatchesAsync(needle, after, cancellationToken) is { Count: > 0 } page)
        {
            foreach (var batch in page)
            {
                var raw = RawBatch.Read(batch.Events);
                var removed = Enumerable.Range(0, raw.Count).Where(i => Mentions(raw[i].Data, studentId)).ToList();
                if (removed.Count > 0)
                {
                    await erasure.RemoveEventsAsync(batch, removed, cancellationToken);
                    events += removed.Count;
                    batches += removed.Count == raw.Count ? 1 : 0;
                }
            }

            after = page[^1].Id;
        }

        return (events, batches);
    }

    /// <summary>
    /// Each document whose bytes hold the id: an accepted one that has the student's sheets is written again without
    /// them in its own format (the other sheets' places in it moved to match), or goes when it has nobody else; a
    /// rejected one goes (it gave nobody results, and a document that cannot be read cannot be rewritten).
    /// </summary>
    private static async Task<(long Rewritten, long Removed)> EraseFromDocumentsAsync(StudentErasure erasure, string studentId, CancellationToken cancellationToken)
    {
        long rewritten = 0, removed = 0, after = 0;
        var needle = Encoding.UTF8.GetBytes(studentId);
        while (await erasure.NextDocumentAsync(needle, after, cancellationToken) is { } document)
        {
            after = document.Id;
            var format = DocumentFormats.ForRecorded(document.MediaType);
            if (document.Outcome != "accepted" || !format.TryRead(document.Document, out var sheets, out _))
            {
                await erasure.DeleteDocumentAsync(document.Id, cancellationToken);
                removed++;
                continue;
            }

            var others = sheets.Where(s => s.StudentNumber != studentId).ToList();
            if (others.Count == sheets.Count)
            {
                continue;
            }

            if (others.Count == 0)
            {
                await erasure.DeleteDocumentAsync(document.Id, cancellationToken);
                removed++;
                continue;
            }

            var without = format.Without(document.Document, studentId);
            if (!format.TryRead(without, out var kept, out _) || kept.Count != others.Count)
            {
                throw new InvalidOperationException($"Import {document.Id} could not be written again without one student's sheets.");
            }

            await erasure.RewriteDocumentAsync(document.Id, without, kept.Count, [.. others.Zip(kept, (o, k) => (o.Index, k.Index))], cancellationToken);
            rewritten++;
        }

        return (rewritten, removed);
    }

    private static async Task WriteJsonAsync(StudentSnapshot snapshot, string studentId, Stream output, bool withDocuments, CancellationToken cancellationToken)
    {
        await using var json = new Utf8JsonWriter(output, Writing);
        json.WriteStartObject();
        json.WriteString("studentId", studentId);

        json.WriteStartArray("results");
        double? average = null;
        await foreach (var result in snapshot.ResultsAsync(studentId, cancellationToken))
        {
            average = result.ScoreSum / result.ExamCount;
            json.WriteStartObject();
            json.WriteNumber("exam", result.Exam);
            json.WriteNumber("obtained", result.Obtained);
            json.WriteNumber("available", result.Available);
            json.WriteNumber("score", result.Score);
            json.WriteEndObject();
            await FlushAsync(json, cancellationToken);
        }

        json.WriteEndArray();
        if (average is { } a)
        {
            json.WriteNumber("average", a);
        }
        else
        {
            json.WriteNull("average");
        }

        json.WriteStartArray("names");
        await foreach (var name in snapshot.NamesAsync(studentId, cancellationToken))
        {
            json.WriteStartObject();
            json.WriteString("firstName", name.FirstName);
            json.WriteString("lastName", name.LastName);
            json.WriteNumber("firstImport", name.FirstImport);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        await WriteSheetsAsync(json, snapshot, studentId, cancellationToken);

        json.WriteStartArray("changes");
        await foreach (var change in snapshot.ChangesAsync(studentId, cancellationToken))
        {
            json.WriteStartObject();
            json.WriteNumber("id", change.Id);
            json.WriteNumber("exam", change.Exam);
            json.WriteNumber("score", change.Score);
            json.WriteNumber("studentAverage", change.StudentAverage);
            json.WriteNumber("examAverage", change.ExamAverage);
            json.WriteEndObject();
            await FlushAsync(json, cancellationToken);
        }

        json.WriteEndArray();

        json.WriteStartArray("events");
        await foreach (var batch in snapshot.BatchesAsync(BatchNeedle(studentId), cancellationToken))
        {
            var raw = RawBatch.Read(batch.Events);
            for (var i = 0; i < raw.Count; i++)
            {
                if (Mentions(raw[i].Data, studentId))
                {
                    json.WriteStartObject();
                    json.WriteString("source", batch.Source);
                    json.WriteString("eventId", raw[i].EventId);
                    json.WriteString("eventType", raw[i].EventType);
                    json.WriteString("data", raw[i].Data);
                    json.WriteString("receivedAt", raw[i].ReceivedAt);
                    json.WriteString("outcome", OutcomeName(batch.Outcomes[i]));
                    json.WriteEndObject();
                }
            }

            await FlushAsync(json, cancellationToken);
        }

        json.WriteEndArray();

        json.WriteStartArray("documents");
        await foreach (var document in snapshot.DocumentsAsync(Encoding.UTF8.GetBytes(studentId), cancellationToken))
        {
            json.WriteStartObject();
            json.WriteNumber("id", document.Id);
            json.WriteString("receivedAt", document.ReceivedAt);
            json.WriteString("mediaType", document.MediaType);
            json.WriteString("outcome", document.Outcome);
            json.WriteString("client", document.Client);
            if (withDocuments)
            {
                json.WriteString("document", Encoding.UTF8.GetString(document.Document));
            }
            else
            {
                json.WriteString("file", FileName(document));
            }

            json.WriteEndObject();
            await FlushAsync(json, cancellationToken);
        }

        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken);
    }

    /// <summary>The kept sheets, each with its answers: the rows come one per answer, in sheet order.</summary>
    private static async Task WriteSheetsAsync(Utf8JsonWriter json, StudentSnapshot snapshot, string studentId, CancellationToken cancellationToken)
    {
        json.WriteStartArray("sheets");
        long? exam = null;
        await foreach (var answer in snapshot.AnswersAsync(studentId, cancellationToken))
        {
            if (answer.Exam != exam)
            {
                if (exam is not null)
                {
                    json.WriteEndArray();
                    json.WriteEndObject();
                }

                exam = answer.Exam;
                json.WriteStartObject();
                json.WriteNumber("exam", answer.Exam);
                json.WriteNumber("obtained", answer.Obtained);
                json.WriteNumber("total", answer.Total);
                json.WriteString("scannedOn", answer.ScannedOn);
                json.WriteNumber("importId", answer.ImportId);
                json.WriteStartArray("answers");
            }

            json.WriteStartObject();
            json.WriteString("question", answer.Question);
            json.WriteString("choice", answer.Choice);
            json.WriteNumber("awarded", answer.Awarded);
            json.WriteNumber("available", answer.Available);
            json.WriteEndObject();
            await FlushAsync(json, cancellationToken);
        }

        if (exam is not null)
        {
            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static async ValueTask FlushAsync(Utf8JsonWriter json, CancellationToken cancellationToken)
    {
        if (json.BytesPending >= FlushBytes)
        {
            await json.FlushAsync(cancellationToken);
        }
    }

    private static string OutcomeName(char letter) => Grading.OutcomeCounts.Name(RawBatch.Outcome(letter));

    private static string FileName(StudentDocumentRow document)
    {
        var extension = document.MediaType switch
        {
            "text/csv" => "csv",
            "application/json" => "json",
            _ => "xml",
        };
        return string.Create(CultureInfo.InvariantCulture, $"documents/{document.Id}.{extension}");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Student {StudentHash} erased by {Actor}: {Results} results, {Events} raw events, {Documents} documents rewritten or removed")]
    private static partial void LogErased(ILogger logger, string studentHash, string actor, long results, long events, long documents);
}
