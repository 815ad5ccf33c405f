using Gradebook.Api;
using Gradebook.Storage;

namespace Gradebook.Students;

/// <summary>The students' reads as CSV, for analysts: the list unpaged, streamed from the store.</summary>
internal static class StudentCsv
{
    public static CsvResult List(ReadStore store) => new(
        "students.csv",
        ["studentId", "examCount", "average"],
        cancellationToken => store.StreamStudentsAsync(cancellationToken).Select(string[] (r) => [r.StudentId, CsvResult.Number(r.ExamCount), CsvResult.Number(r.Average)]));

    public static CsvResult One(ReadStore store, string studentId) => new(
        $"student-{studentId}.csv",
        ["studentId", "exam", "score"],
        cancellationToken => store.StreamStudentAsync(studentId, cancellationToken).Select(string[] (r) => [studentId, CsvResult.Number(r.Exam), CsvResult.Number(r.Score)]),
        $"No results are recorded for student '{studentId}'.");

}
