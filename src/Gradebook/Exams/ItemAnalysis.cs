using System.Globalization;
using Gradebook.Storage;

namespace Gradebook.Exams;

/// <summary>One choice given to a question: how many gave it, their share, and the mean total of those who did.</summary>
internal sealed record ChoiceSpread(string Choice, long Count, double Share, double MeanMarks);

/// <summary>The analysis of one question over an exam's kept sheets.</summary>
internal sealed record QuestionItem(
    string Question,
    long Students,
    double MarksAvailable,
    double Facility,
    double? Discrimination,
    IReadOnlyList<string> Keyed,
    IReadOnlyList<ChoiceSpread> Choices,
    IReadOnlyList<string> Flags);

/// <summary>An exam's item analysis: the totals' mean and spread, the test's reliability, and each question.</summary>
internal sealed record ExamQuestions(
    long Exam, long Students, int Questions, double? MeanMarks, double? SdMarks, double? Alpha, double? Sem, IReadOnlyList<QuestionItem> Items);

/// <summary>
/// Classical item analysis of an exam from the sums <c>Storage/queries/exam_item_sums.sql</c> returns (the definitions
/// and thresholds are the README's, "Exam analytics"). A question missing from a sheet counts as the blank choice ""
/// with 0 marks awarded. Variances are population variances.
/// </summary>
internal static class ItemAnalysis
{
    /// <summary>A question most students get right, or almost none.</summary>
    public const double TooEasyAbove = 0.9;
    public const double TooHardBelow = 0.2;

    /// <summary>A question that separates strong students from weak ones less than this, but not the wrong way.</summary>
    public const double LowDiscriminationBelow = 0.2;

    /// <summary>Below this, a variance is taken as none: sums of squares of marks leave rounding of this order.</summary>
    private const double NoVariance = 1e-9;

    public static ExamQuestions Of(long exam, IReadOnlyList<ItemSumRow> rows)
    {
        var totals = rows.SingleOrDefault(r => r.Kind == "exam");
        var n = totals?.N ?? 0;
        if (totals is null || n == 0)
        {
            return new ExamQuestions(exam, 0, 0, null, null, null, null, []);
        }

        var meanTotal = totals.SumA / n;
        var varTotal = Math.Max(0, (totals.SumB / n) - (meanTotal * meanTotal));
        var choices = rows.Where(r => r.Kind == "choice").ToLookup(r => r.Question!, StringComparer.Ordinal);
        var byQuestion = rows.Where(r => r.Kind == "question").ToDictionary(r => r.Question!, StringComparer.Ordinal);
        var questions = Order([.. byQuestion.Keys]).Select(q => byQuestion[q]).ToList();

        var items = new List<QuestionItem>(questions.Count);
        var sumItemVariances = 0.0;
        foreach (var q in questions)
        {
            var meanX = q.SumA / n;
            var varX = Math.Max(0, (q.SumB / n) - (meanX * meanX));
            sumItemVariances += varX;
            var covXT = (q.SumC / n) - (meanX * meanTotal);

            // The rest of the total: total - this question. cov(x, T - x) = cov(x, T) - var(x).
            var varRest = varTotal - (2 * covXT) + varX;
            double? discrimination = varX > NoVariance && varRest > NoVariance ? (covXT - varX) / Math.Sqrt(varX * varRest) : null;
            var facility = q.SumD / n;
            var spread = Spread(choices[q.Question!], n, totals.SumA);
            var keyed = choices[q.Question!].Where(c => c.Most > 0).Select(c => c.Choice!).Order(StringComparer.Ordinal).ToList();
            items.Add(new QuestionItem(q.Question!, n, q.Most, facility, discrimination, keyed, spread, Flags(facility, discrimination, keyed.Count)));
        }

        var k = items.Count;
        double? alpha = k >= 2 && varTotal > NoVariance ? k / (k - 1.0) * (1 - (sumItemVariances / varTotal)) : null;
        var sd = Math.Sqrt(varTotal);
        double? sem = alpha is >= 0 and <= 1 ? sd * Math.Sqrt(1 - alpha.Value) : null;
        return new ExamQuestions(exam, n, k, meanTotal, sd, alpha, sem, items);
    }

    /// <summary>Every choice given, the blank "" included for the students who left the question out, in choice order.</summary>
    private static List<ChoiceSpread> Spread(IEnumerable<ItemSumRow> given, long students, double sumAllTotals)
    {
        var counts = new SortedDictionary<string, (long Count, double SumTotals)>(StringComparer.Ordinal);
        long answered = 0;
        var sumAnswered = 0.0;
        foreach (var c in given)
        {
            counts[c.Choice!] = (c.N, c.SumA);
            answered += c.N;
            sumAnswered += c.SumA;
        }

        if (answered < students)
        {
            var blank = counts.GetValueOrDefault("");
            counts[""] = (blank.Count + (students - answered), blank.SumTotals + (sumAllTotals - sumAnswered));
        }

        return [.. counts.Select(c => new ChoiceSpread(c.Key, c.Value.Count, c.Value.Count / (double)students, c.Value.SumTotals / c.Value.Count))];
    }

    private static List<string> Flags(double facility, double? discrimination, int keyedChoices)
    {
        var flags = new List<string>();
        if (discrimination < 0)
        {
            flags.Add("negative_discrimination");
        }
        else if (discrimination < LowDiscriminationBelow)
        {
            flags.Add("low_discrimination");
        }

        if (keyedChoices > 1)
        {
            flags.Add("several_keyed_choices");
        }

        if (facility > TooEasyAbove)
        {
            flags.Add("too_easy");
        }
        else if (facility < TooHardBelow)
        {
            flags.Add("too_hard");
        }

        return flags;
    }

    /// <summary>Question labels in numeric order when every label is a number, otherwise in label order.</summary>
    public static List<string> Order(List<string> questions)
    {
        var numbers = questions.Select(q => decimal.TryParse(q, NumberStyles.Number, CultureInfo.InvariantCulture, out var d) ? d : (decimal?)null).ToList();
        return numbers.All(d => d is not null)
            ? [.. questions.Zip(numbers).OrderBy(p => p.Second).ThenBy(p => p.First, StringComparer.Ordinal).Select(p => p.First)]
            : [.. questions.Order(StringComparer.Ordinal)];
    }
}
