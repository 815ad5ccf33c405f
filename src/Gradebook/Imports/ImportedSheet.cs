using Gradebook.Grading;
using Gradebook.Storage;

namespace Gradebook.Imports;

/// <summary>
/// One valid sheet of an imported document, whatever its format (a Markr <c>mcq-test-result</c>, a CSV row, a JSON
/// object): the marks a student obtained out of those available in a test, and the answers that earned them. A test is
/// an exam and a student number is a student id; names are null when the document leaves them out.
/// </summary>
internal sealed record ImportedSheet(
    int Index,
    string StudentNumber,
    long TestId,
    double Obtained,
    double Available,
    string? FirstName,
    string? LastName,
    DateTimeOffset? ScannedOn,
    IReadOnlyList<SheetAnswer> Answers)
{
    /// <summary>The result as the store takes it: the marks obtained out of those available.</summary>
    public MarkedResult AsResult() => new(StudentNumber, TestId, Obtained, Available);

    /// <summary>The answered sheets of the results, for the answer statistics; a result without answers gives none.</summary>
    public static IReadOnlyList<AnsweredSheet> Sheets(IEnumerable<ImportedSheet> results) =>
        [.. results
            .Where(r => r.Answers.Count > 0)
            .Select(r => new AnsweredSheet(r.StudentNumber, r.TestId, r.Obtained, r.ScannedOn, r.Index, r.Answers))];

    /// <summary>The names the results give their students; a result that names nobody gives none.</summary>
    public static IReadOnlyList<GivenName> Names(IEnumerable<ImportedSheet> results) =>
        [.. results
            .Where(r => r.FirstName is not null || r.LastName is not null)
            .Select(r => new GivenName(r.StudentNumber, new StudentName(r.FirstName, r.LastName)))];
}

/// <summary>One <c>mcq-test-result</c> that cannot be stored: where it is in the document and everything wrong with it.</summary>
internal sealed record InvalidResult(int Index, int Line, string? StudentNumber, IReadOnlyList<string> Problems);

internal enum ImportRejectionReason
{
    MalformedXml,
    MalformedDocument,
    NotResults,
    InvalidResults,
}

/// <summary>Why a document was rejected whole. For invalid results, the first of them and how many there are in all.</summary>
internal sealed record ImportRejection(
    ImportRejectionReason Reason, string Message, int? ResultCount = null, IReadOnlyList<InvalidResult>? InvalidResults = null)
{
    public string Code => CodeOf(Reason);

    public static string CodeOf(ImportRejectionReason reason) => reason switch
    {
        ImportRejectionReason.MalformedXml => "malformed_xml",
        ImportRejectionReason.MalformedDocument => "malformed_document",
        ImportRejectionReason.NotResults => "not_results",
        ImportRejectionReason.InvalidResults => "invalid_results",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };

    /// <summary>The reason a recorded rejection (its <see cref="ToString"/> form) names; null for a code this version does not know.</summary>
    public static ImportRejectionReason? ReasonOf(string recorded)
    {
        var code = recorded.Split(':', 2)[0];
        foreach (var reason in Enum.GetValues<ImportRejectionReason>())
        {
            if (CodeOf(reason) == code)
            {
                return reason;
            }
        }

        return null;
    }

    /// <summary>The reason as it is recorded with the document: the code, the message, and each invalid result's problems.</summary>
    public override string ToString()
    {
        var text = new System.Text.StringBuilder($"{Code}: {Message}");
        foreach (var result in InvalidResults ?? [])
        {
            text.Append($"\nresult {result.Index} (line {result.Line}, student-number '{result.StudentNumber}'): {string.Join("; ", result.Problems)}");
        }

        return text.ToString();
    }
}
