using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using CsvHelper;

namespace Gradebook.Imports;

/// <summary>
/// CSV sheets (<c>text/csv</c>, RFC 4180, UTF-8, read by CsvHelper): a header row, then a row per sheet. Columns, in any
/// order and any case: <c>student-number</c>, <c>test-id</c>, <c>marks-available</c> and <c>marks-obtained</c>
/// (required); <c>first-name</c>, <c>last-name</c>, <c>scanned-on</c> (optional); and <c>Q&lt;label&gt;</c>, one per
/// question, holding the choice given. With answer columns, a row whose <c>student-number</c> is <c>KEY</c> gives each
/// question's keyed choice, and an optional <c>POINTS</c> row its marks (1 when absent): a choice equal to the key earns
/// the question's marks, any other none. The summary marks are the row's own, as a Markr sheet's are.
/// </summary>
internal sealed class CsvFormat : IDocumentFormat
{
    private const string KeyRow = "KEY";
    private const string PointsRow = "POINTS";
    private static readonly string[] Required = ["student-number", "test-id", "marks-available", "marks-obtained"];
    private static readonly string[] Optional = ["first-name", "last-name", "scanned-on"];
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    public string MediaType => "text/csv";

    public string Name => "CSV";

    public string FileExtension => ".csv";

    public bool TryRead(byte[] document, [NotNullWhen(true)] out IReadOnlyList<ImportedSheet>? sheets, [NotNullWhen(false)] out ImportRejection? rejection)
    {
        sheets = null;
        List<(int Line, string[] Fields)> rows;
        try
        {
            rows = Rows(document);
        }
        catch (Exception e) when (e is DecoderFallbackException or CsvFormatException)
        {
            rejection = new ImportRejection(ImportRejectionReason.MalformedDocument, $"The body is not well-formed CSV: {e.Message.Split('\n')[0]}");
            return false;
        }

        if (rows.Count == 0)
        {
            rejection = new ImportRejection(ImportRejectionReason.NotResults, "The document is empty: a header row is required.");
            return false;
        }

        if (Header(rows[0].Fields, out var columns, out var questions) is { } headerProblem)
        {
            rejection = new ImportRejection(ImportRejectionReason.NotResults, $"Line {rows[0].Line}: {headerProblem}");
            return false;
        }

        var body = rows.Skip(1).ToList();
        if (Marking(body, columns, questions, out var keys, out var points) is { } markingProblem)
        {
            rejection = new ImportRejection(ImportRejectionReason.NotResults, markingProblem);
            return false;
        }

        var tally = new SheetTally("rows");
        foreach (var (line, fields) in body.Where(r => !IsMarkingRow(r.Fields, columns)))
        {
            var problems = new List<string>();
            if (fields.Length != rows[0].Fields.Length)
            {
                problems.Add($"the row has {fields.Length} fields, the header {rows[0].Fields.Length}");
            }

            string? Cell(string column) => columns.TryGetValue(column, out var i) && i < fields.Length && fields[i].Length > 0 ? fields[i] : null;
            var answers = questions.Select(q =>
            {
                var choice = q.Index < fields.Length ? fields[q.Index] : "";
                var earned = choice.Length > 0 && choice == keys[q.Label];
                return new SheetAnswerFields(q.Label, choice, earned ? points[q.Label] : "0", points[q.Label]);
            }).ToList();
            var sheet = new SheetFields(
                Cell("student-number"), Cell("test-id"), Cell("first-name"), Cell("last-name"), true, Cell("marks-obtained") ?? "", Cell("marks-available") ?? "", Cell("scanned-on"), answers);
            tally.Add(sheet, line, problems);
        }

        rejection = tally.Finish(out var read);
        sheets = rejection is null ? read : null;
        return rejection is null;
    }

    public byte[] Without(byte[] document, string studentNumber)
    {
        var options = new CsvReaderOptions { HasHeader = false, MalformedData = CsvMalformedDataHandling.Throw, SkipEmptyLines = true };
        using var csv = CsvReader.Create(document, options);
        using var output = new MemoryStream();
        using (var writer = CsvWriter.Create(output, new CsvWriterOptions(), leaveOpen: true))
        {
            int? column = null;
            while (csv.Read())
            {
                var fields = new string[csv.FieldCount];
                for (var i = 0; i < fields.Length; i++)
                {
                    fields[i] = csv.GetString(i);
                }

                if (column is null)
                {
                    column = Array.FindIndex(fields, f => f.Trim().Equals("student-number", StringComparison.OrdinalIgnoreCase));
                }
                else if (column < fields.Length && fields[column.Value].Trim() == studentNumber)
                {
                    continue;
                }

                foreach (var field in fields)
                {
                    writer.WriteField(field);
                }

                writer.EndRecord();
            }
        }

        return output.ToArray();
    }

    private static List<(int Line, string[] Fields)> Rows(byte[] document)
    {
        // The reader would decode invalid UTF-8 to replacement characters; a student id must not change on the way in.
        _ = StrictUtf8.GetCharCount(document);
        var options = new CsvReaderOptions
        {
            HasHeader = false,
            MalformedData = CsvMalformedDataHandling.Throw,
            TrackLineNumbers = true,
            SkipEmptyLines = true,
        };
        using var csv = CsvReader.Create(document, options);
        var rows = new List<(int, string[])>();
        while (csv.Read())
        {
            var fields = new string[csv.FieldCount];
            for (var i = 0; i < fields.Length; i++)
            {
                fields[i] = csv.GetString(i).Trim();
            }

            if (fields.Any(f => f.Length > 0))
            {
                rows.Add(((int)csv.LineNumber, fields));
            }
        }

        return rows;
    }

    /// <summary>The header's columns by name and its questions in column order; a problem with the header, or null.</summary>
    private static string? Header(string[] header, out Dictionary<string, int> columns, out List<(string Label, int Index)> questions)
    {
        columns = new Dictionary<string, int>(StringComparer.Ordinal);
        questions = [];
        var labels = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < header.Length; i++)
        {
            var name = header[i].Trim();
            if (name.Length > 1 && name[0] is 'Q' or 'q')
            {
                if (!labels.Add(name[1..]))
                {
                    return $"the column '{MarkrReader.Cut(name)}' appears more than once.";
                }

                questions.Add((name[1..], i));
                continue;
            }

            var known = name.ToLowerInvariant();
            if (!Required.Contains(known) && !Optional.Contains(known))
            {
                return $"unknown column '{MarkrReader.Cut(name)}'; the columns are {string.Join(", ", Required.Concat(Optional))} and Q<question> for answers.";
            }

            if (!columns.TryAdd(known, i))
            {
                return $"the column '{known}' appears more than once.";
            }
        }

        var found = columns;
        var missing = Required.Where(r => !found.ContainsKey(r)).ToList();
        return missing.Count > 0 ? $"the header has no {string.Join(", ", missing)} column{(missing.Count == 1 ? "" : "s")}." : null;
    }

    /// <summary>The keyed choice and the marks of every question, from the KEY and POINTS rows; a problem with them, or null.</summary>
    private static string? Marking(
        List<(int Line, string[] Fields)> rows,
        Dictionary<string, int> columns,
        List<(string Label, int Index)> questions,
        out Dictionary<string, string> keys,
        out Dictionary<string, string> points)
    {
        keys = new Dictionary<string, string>(StringComparer.Ordinal);
        points = questions.ToDictionary(q => q.Label, _ => "1", StringComparer.Ordinal);
        var studentNumber = columns["student-number"];
        var keyRows = rows.Where(r => Field(r.Fields, studentNumber) == KeyRow).ToList();
        var pointsRows = rows.Where(r => Field(r.Fields, studentNumber) == PointsRow).ToList();
        if (questions.Count == 0)
        {
            return keyRows.Count + pointsRows.Count > 0 ? $"Line {keyRows.Concat(pointsRows).First().Line}: a KEY or POINTS row needs answer columns (Q<question>)." : null;
        }

        if (keyRows.Count != 1 || pointsRows.Count > 1)
        {
            return keyRows.Count == 0
                ? "The answer columns need a KEY row: a row whose student-number is KEY, giving each question's keyed choice."
                : $"Line {(keyRows.Count > 1 ? keyRows[1] : pointsRows[1]).Line}: there may be one KEY row and one POINTS row.";
        }

        foreach (var (label, index) in questions)
        {
            var key = Field(keyRows[0].Fields, index);
            if (key.Length == 0)
            {
                return $"Line {keyRows[0].Line}: the KEY row gives no choice for Q{MarkrReader.Cut(label)}.";
            }

            keys[label] = key;
            if (pointsRows.Count == 1)
            {
                var value = Field(pointsRows[0].Fields, index);
                if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var marks) || !double.IsFinite(marks) || marks <= 0)
                {
                    return $"Line {pointsRows[0].Line}: POINTS for Q{MarkrReader.Cut(label)} must be a number above 0, got '{MarkrReader.Cut(value)}'.";
                }

                points[label] = value;
            }
        }

        return null;
    }

    private static bool IsMarkingRow(string[] fields, Dictionary<string, int> columns) =>
        Field(fields, columns["student-number"]) is KeyRow or PointsRow;

    private static string Field(string[] fields, int index) => index < fields.Length ? fields[index] : "";
}
