using System.Globalization;
using System.Text;
using System.Text.Json;
using Gradebook.Grading;

namespace Gradebook.Storage;

/// <summary>
/// A document's answered sheets as the two JSON arrays <c>writes/stage_sheets.*.sql</c> unpacks in one statement each:
/// a document of 10,000 sheets holds a million answers, which row-by-row statements would send one round trip each.
/// </summary>
internal static class SheetRows
{
    public static object Of(IReadOnlyList<AnsweredSheet> sheets)
    {
        using var sheetsJson = new MemoryStream();
        using var answersJson = new MemoryStream();
        using (var sheetWriter = new Utf8JsonWriter(sheetsJson))
        using (var answerWriter = new Utf8JsonWriter(answersJson))
        {
            sheetWriter.WriteStartArray();
            answerWriter.WriteStartArray();
            foreach (var sheet in sheets)
            {
                sheetWriter.WriteStartArray();
                sheetWriter.WriteNumberValue(sheet.Position);
                sheetWriter.WriteStringValue(sheet.StudentId);
                sheetWriter.WriteNumberValue(sheet.Exam);
                sheetWriter.WriteNumberValue(sheet.Obtained);
                if (sheet.ScannedOn is { } scannedOn)
                {
                    // UTC with a fixed width, so that text order is time order.
                    sheetWriter.WriteStringValue(scannedOn.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
                }
                else
                {
                    sheetWriter.WriteNullValue();
                }

                sheetWriter.WriteEndArray();
                foreach (var answer in sheet.Answers)
                {
                    answerWriter.WriteStartArray();
                    answerWriter.WriteNumberValue(sheet.Position);
                    answerWriter.WriteStringValue(answer.Question);
                    answerWriter.WriteStringValue(answer.Choice);
                    answerWriter.WriteNumberValue(answer.Awarded);
                    answerWriter.WriteNumberValue(answer.Available);
                    answerWriter.WriteEndArray();
                }
            }

            sheetWriter.WriteEndArray();
            answerWriter.WriteEndArray();
        }

        return new { sheets = Encoding.UTF8.GetString(sheetsJson.ToArray()), answers = Encoding.UTF8.GetString(answersJson.ToArray()) };
    }
}
