using System.Diagnostics.CodeAnalysis;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gradebook.Imports;

/// <summary>
/// JSON sheets (<c>application/json</c>, read by System.Text.Json): an array of objects with a Markr sheet's fields,
/// <c>studentNumber</c>, <c>testId</c>, <c>firstName</c>, <c>lastName</c>, <c>scannedOn</c>, <c>summaryMarks</c>
/// (<c>{"available": 20, "obtained": 13}</c>) and <c>answers</c> (<c>[{"question": "1", "choice": "A",
/// "marksAvailable": 1, "marksAwarded": 1}]</c>). Numbers may be JSON numbers or strings; other properties are ignored.
/// </summary>
internal sealed class JsonFormat : IDocumentFormat
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 16 };

    public string MediaType => "application/json";

    public string Name => "JSON";

    public string FileExtension => ".json";

    public bool TryRead(byte[] document, [NotNullWhen(true)] out IReadOnlyList<ImportedSheet>? sheets, [NotNullWhen(false)] out ImportRejection? rejection)
    {
        sheets = null;
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(document, Options);
        }
        catch (JsonException e)
        {
            rejection = new ImportRejection(ImportRejectionReason.MalformedDocument, $"The body is not well-formed JSON: {e.Message}");
            return false;
        }

        using (json)
        {
            if (json.RootElement.ValueKind != JsonValueKind.Array)
            {
                rejection = new ImportRejection(ImportRejectionReason.NotResults, $"The document is a JSON {json.RootElement.ValueKind.ToString().ToLowerInvariant()}, not an array of sheets.");
                return false;
            }

            var lines = SheetLines(document);
            var tally = new SheetTally("sheets");
            var index = 0;
            foreach (var element in json.RootElement.EnumerateArray())
            {
                var problems = new List<string>();
                var line = index < lines.Count ? lines[index] : 0;
                if (element.ValueKind != JsonValueKind.Object)
                {
                    problems.Add($"a sheet must be an object, got a {element.ValueKind.ToString().ToLowerInvariant()}");
                }

                tally.Add(Fields(element, problems), line, problems);
                index++;
            }

            rejection = tally.Finish(out var read);
            sheets = rejection is null ? read : null;
            return rejection is null;
        }
    }

    public byte[] Without(byte[] document, string studentNumber)
    {
        var sheets = JsonNode.Parse(document, documentOptions: Options)!.AsArray();
        foreach (var sheet in sheets.Where(s => s is JsonObject o && o["studentNumber"] is JsonValue id && Text(id) == studentNumber).ToList())
        {
            sheets.Remove(sheet);
        }

        using var output = new MemoryStream();
        using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            sheets.WriteTo(writer);
        }

        return output.ToArray();
    }

    /// <summary>A student number as <see cref="Fields"/> reads it: a string trimmed, a number as written.</summary>
    private static string Text(JsonValue value) =>
        value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>().Trim() : value.ToJsonString();

    private static SheetFields Fields(JsonElement sheet, List<string> problems)
    {
        if (sheet.ValueKind != JsonValueKind.Object)
        {
            return new SheetFields(null, null, null, null, false, null, null, null, []);
        }

        var marks = sheet.TryGetProperty("summaryMarks", out var m) && m.ValueKind == JsonValueKind.Object ? m : (JsonElement?)null;
        var answers = new List<SheetAnswerFields>();
        if (sheet.TryGetProperty("answers", out var list))
        {
            if (list.ValueKind != JsonValueKind.Array)
            {
                problems.Add("answers must be an array");
            }
            else
            {
                foreach (var answer in list.EnumerateArray())
                {
                    answers.Add(answer.ValueKind == JsonValueKind.Object
                        ? new SheetAnswerFields(Text(answer, "question", problems), Text(answer, "choice", problems) ?? "", Text(answer, "marksAwarded", problems), Text(answer, "marksAvailable", problems))
                        : new SheetAnswerFields(null, "", null, null));
                }
            }
        }

        return new SheetFields(
            Text(sheet, "studentNumber", problems),
            Text(sheet, "testId", problems),
            Text(sheet, "firstName", problems),
            Text(sheet, "lastName", problems),
            marks is not null,
            marks is { } o ? Text(o, "obtained", problems) : null,
            marks is { } a ? Text(a, "available", problems) : null,
            Text(sheet, "scannedOn", problems),
            answers);
    }

    /// <summary>A property as text: a string's value, a number's digits as written; null when absent or null.</summary>
    private static string? Text(JsonElement element, string name, List<string> problems)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return value.GetString()!.Trim();
            case JsonValueKind.Number:
                return value.GetRawText();
            case JsonValueKind.Null:
                return null;
            default:
                problems.Add($"{name} must be a string or a number, got a {value.ValueKind.ToString().ToLowerInvariant()}");
                return null;
        }
    }

    /// <summary>The line each top-level element starts on, so a rejection can name it as Markr's and CSV's do.</summary>
    private static List<int> SheetLines(byte[] document)
    {
        var lines = new List<int>();
        var reader = new Utf8JsonReader(document, new JsonReaderOptions { MaxDepth = Options.MaxDepth });
        var line = 1;
        long counted = 0;
        while (reader.Read())
        {
            if (reader.CurrentDepth == 1 && reader.TokenType is not (JsonTokenType.EndObject or JsonTokenType.EndArray or JsonTokenType.PropertyName))
            {
                var start = reader.TokenStartIndex;
                for (var i = counted; i < start; i++)
                {
                    if (document[i] == (byte)'\n')
                    {
                        line++;
                    }
                }

                counted = start;
                lines.Add(line);
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    reader.Skip();
                }
            }
        }

        return lines;
    }
}
