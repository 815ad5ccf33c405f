using Gradebook.Storage;

namespace Gradebook.Exams;

/// <summary>One question on a student's kept sheet, beside what earned marks on it in the exam.</summary>
internal sealed record MarkedAnswer(string Question, string Choice, double Awarded, double MarksAvailable, IReadOnlyList<string> Keyed, bool MatchesKey);

/// <summary>A student's kept sheet in an exam, marked against the keyed choices, and where its total stands.</summary>
internal sealed record MarkedSheet(long Exam, string StudentId, double Total, double Percentile, long Students, IReadOnlyList<MarkedAnswer> Answers);

internal static class MarkedSheets
{
    /// <summary>
    /// The sheet from the rows of <c>student_sheet.sql</c>; null when the student has no kept sheet in the exam. A
    /// question missing from the sheet is the blank choice "" with 0 awarded. The percentile is the mid-rank one:
    /// 100 × (sheets with a lower total + half of those with the same) / all sheets.
    /// </summary>
    public static MarkedSheet? Of(long exam, string studentId, IReadOnlyList<SheetRow> rows)
    {
        if (rows.SingleOrDefault(r => r.Kind == "rank") is not { } rank)
        {
            return null;
        }

        var keyed = rows.Where(r => r.Kind == "keyed").ToLookup(r => r.Question!, r => r.Choice!, StringComparer.Ordinal);
        var given = rows.Where(r => r.Kind == "answer").ToDictionary(r => r.Question!, StringComparer.Ordinal);
        var answers = new List<MarkedAnswer>();
        foreach (var question in ItemAnalysis.Order([.. rows.Where(r => r.Kind == "question").Select(r => r.Question!)]))
        {
            var row = rows.First(r => r.Kind == "question" && r.Question == question);
            var keys = keyed[question].Order(StringComparer.Ordinal).ToList();
            var choice = given.TryGetValue(question, out var answer) ? answer.Choice! : "";
            answers.Add(new MarkedAnswer(question, choice, answer?.A ?? 0, answer?.B ?? row.A, keys, keys.Contains(choice)));
        }

        var total = given.Values.Sum(a => a.A);
        return new MarkedSheet(exam, studentId, total, 100 * (rank.A + (rank.B / 2)) / rank.C, (long)rank.C, answers);
    }
}
