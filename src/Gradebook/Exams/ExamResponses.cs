using Gradebook.Grading;
using Gradebook.Storage;

namespace Gradebook.Exams;

/// <summary>An exam in the list: how many students have a result in it, and their average score.</summary>
internal sealed record ExamSummary(long Exam, long StudentCount, double Average);

/// <summary>One of an exam's results.</summary>
internal sealed record ExamResult(string StudentId, double Score);

/// <summary>One exam's results with their average and how they are spread, in fractions like the scores.</summary>
internal sealed record ExamReport(long Exam, long StudentCount, double Average, Distribution Distribution, IReadOnlyList<ExamResult> Results);

internal static class ExamResponses
{
    public static ExamSummary AsSummary(this ExamRow row) => new(row.Exam, row.StudentCount, row.Average);

    /// <summary>The exam's report from the rows of <c>get_exam.sql</c>; null when there are none.</summary>
    public static ExamReport? AsReport(this IReadOnlyList<ExamResultRow> rows, long exam) => rows.Count == 0
        ? null
        : new ExamReport(
            exam,
            rows[0].StudentCount,
            rows[0].Average,
            Distribution.Of(rows.Select(r => r.Score)),
            [.. rows.Select(r => new ExamResult(r.StudentId, r.Score))]);
}
