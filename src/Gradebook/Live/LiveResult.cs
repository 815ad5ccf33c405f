using Gradebook.Storage;

namespace Gradebook.Live;

/// <summary>
/// A result as a write left it, with the exam's and the student's aggregates after that write: the data of one
/// <c>result</c> event of <c>GET /scores/live</c>.
/// </summary>
internal sealed record LiveResult(
    string StudentId, long Exam, double Score, long ExamStudentCount, double ExamAverage, long StudentExamCount, double StudentAverage)
{
    public static LiveResult Of(ChangeRow row) =>
        new(row.StudentId, row.Exam, row.Score, row.ExamCount, row.ExamAverage, row.StudentCount, row.StudentAverage);
}

/// <summary>Which changes a client asked for: those of one exam, of one student, or (both null) all.</summary>
internal sealed record LiveFilter(long? Exam, string? StudentId)
{
    public bool Matches(LiveChange change) =>
        (Exam is null || change.Exam == Exam) && (StudentId is null || string.Equals(change.StudentId, StudentId, StringComparison.Ordinal));
}

/// <summary>One change of the log with its SSE frame, formatted once for every client that is sent it.</summary>
internal sealed record LiveChange(long Id, long Exam, string StudentId, byte[] Frame);
