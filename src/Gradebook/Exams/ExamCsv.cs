using Gradebook.Api;
using Gradebook.Storage;

namespace Gradebook.Exams;

/// <summary>The exams' reads as CSV, for analysts: the list unpaged, streamed from the store.</summary>
internal static class ExamCsv
{
    public static CsvResult List(ReadStore store) => new(
        "exams.csv",
        ["exam", "studentCount", "average"],
        cancellationToken => store.StreamExamsAsync(cancellationToken).Select(string[] (r) => [CsvResult.Number(r.Exam), CsvResult.Number(r.StudentCount), CsvResult.Number(r.Average)]));

    public static CsvResult One(ReadStore store, long exam) => new(
        $"exam-{exam}.csv",
        ["exam", "studentId", "score"],
        cancellationToken => store.StreamExamAsync(exam, cancellationToken).Select(string[] (r) => [CsvResult.Number(exam), r.StudentId, CsvResult.Number(r.Score)]),
        $"No results are recorded for exam {exam}.");

}
