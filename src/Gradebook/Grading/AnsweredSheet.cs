namespace Gradebook.Grading;

/// <summary>One answer on a sheet: the question's label, the choice given ("" for none), and the marks it earned.</summary>
internal readonly record struct SheetAnswer(string Question, string Choice, double Awarded, double Available);

/// <summary>
/// A sheet's answers on their way into the store: whose, which exam, the marks the sheet obtained, when it was scanned
/// (null when the document does not say) and where it is in its document. Of every sheet a student has for an exam,
/// one is kept for the answer statistics: the highest obtained marks; on a tie the later scanned, then the later
/// received (a later document, or later in the same one). The rule is carried out by
/// <c>Storage/writes/merge_sheets.sql</c>; the score rule (<see cref="MarkedResult"/>) is not changed by it.
/// </summary>
internal sealed record AnsweredSheet(
    string StudentId, long Exam, double Obtained, DateTimeOffset? ScannedOn, int Position, IReadOnlyList<SheetAnswer> Answers);
