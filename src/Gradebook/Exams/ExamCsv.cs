using System.Runtime.CompilerServices;
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

    /// <summary>The item analysis, one row per question; keyed choices and flags are separated by spaces.</summary>
    public static CsvResult Questions(ExamQuestions analysis) => new(
        $"exam-{analysis.Exam}-questions.csv",
        ["exam", "question", "students", "marksAvailable", "facility", "discrimination", "keyed", "flags"],
        _ => analysis.Items.Select(string[] (q) =>
        [
            CsvResult.Number(analysis.Exam), q.Question, CsvResult.Number(q.Students), CsvResult.Number(q.MarksAvailable),
            CsvResult.Number(q.Facility), q.Discrimination is { } d ? CsvResult.Number(d) : "", string.Join(' ', q.Keyed), string.Join(' ', q.Flags),
        ]).ToAsyncEnumerable());

    public static CsvResult Aggregate(ReadStore store, long test) => new(
        $"aggregate-{test}.csv",
        ["test", "mean", "stddev", "min", "max", "p25", "p50", "p75", "count"],
        cancellationToken => AggregateRowAsync(store, test, cancellationToken),
        $"No results are recorded for test {test}.");

    /// <summary>The one row of a test's aggregate, figures written as its JSON writes them; none when it has no results.</summary>
    private static async IAsyncEnumerable<string[]> AggregateRowAsync(ReadStore store, long test, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var rows = await store.GetExamAsync(test, cancellationToken);
        if (rows.Count == 0)
        {
            yield break;
        }

        var a = ResultAggregate.Of(Distribution.Of(rows.Select(r => r.Score)));
        string[] figures = [.. new[] { a.Mean, a.StandardDeviation, a.Min, a.Max, a.P25, a.P50, a.P75 }.Select(DecimalPointConverter.Format)];
        yield return [CsvResult.Number(test), .. figures, CsvResult.Number(a.Count)];
    }
}
