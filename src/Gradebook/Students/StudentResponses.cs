using Gradebook.Grading;
using Gradebook.Storage;

namespace Gradebook.Students;

/// <summary>A student in the list: how many exams they have a result in, and their average score.</summary>
internal sealed record StudentSummary(string StudentId, long ExamCount, double Average);

/// <summary>One of a student's results.</summary>
internal sealed record StudentResult(long Exam, double Score);

/// <summary>A student's results in exam order, with their count and average.</summary>
internal sealed record StudentDetails(string StudentId, long ExamCount, double Average, IReadOnlyList<StudentResult> Results);

internal static class StudentResponses
{
    public static StudentSummary AsSummary(this StudentRow row) => new(row.StudentId, row.ExamCount, row.Average);

    /// <summary>The student's details from the rows of <c>get_student.sql</c>; null when there are none.</summary>
    public static StudentDetails? AsDetails(this IReadOnlyList<StudentResultRow> rows, string studentId) => rows.Count == 0
        ? null
        : new StudentDetails(studentId, rows[0].ExamCount, rows[0].Average, [.. rows.Select(r => new StudentResult(r.Exam, r.Score))]);
}
