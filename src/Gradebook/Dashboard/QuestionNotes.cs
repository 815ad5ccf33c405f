using System.Globalization;
using Gradebook.Exams;

namespace Gradebook.Dashboard;

/// <summary>
/// The exam page's words for the item analysis: what each flag means for one question, and how far the test's totals
/// can be trusted, written for a teacher rather than a statistician (the figures and thresholds are the README's).
/// </summary>
internal static class QuestionNotes
{
    /// <summary>One sentence per flag of the question, in the order of its flags.</summary>
    public static IEnumerable<string> Of(QuestionItem item) => item.Flags.Select(flag => flag switch
    {
        "negative_discrimination" => Miskey(item),
        "low_discrimination" =>
            $"Students who did well overall did hardly better on this question than the others (discrimination {Decimal(item.Discrimination)}): it may be ambiguous, or easy to guess.",
        "several_keyed_choices" =>
            $"Marks were given for more than one choice ({List(item.Keyed)}): check whether the key changed between sheets, or the question has two right answers.",
        "too_easy" =>
            $"Almost everyone got it right ({Format.Percent(item.Facility)} of its marks were earned), so it tells students apart very little.",
        "too_hard" =>
            $"Few got it right (only {Format.Percent(item.Facility)} of its marks were earned): it may be too hard, not yet taught, or keyed wrongly.",
        _ => $"Flagged {flag}.",
    });

    /// <summary>The test's reliability (Cronbach's alpha) and its standard error of measurement, in words.</summary>
    public static string Reliability(ExamQuestions questions)
    {
        if (questions.Alpha is not { } alpha)
        {
            return "The reliability of the totals cannot be worked out: it needs at least two questions and totals that differ between students.";
        }

        var verdict = alpha switch
        {
            >= 0.8 => "good: the totals rank students consistently",
            >= 0.7 => "acceptable: the totals rank students fairly consistently",
            >= 0.5 => "low: small differences between totals may be down to chance",
            _ => "poor: the totals say little about who knows more; look at the flagged questions",
        };
        var text = $"The test's reliability (Cronbach's alpha) is {Decimal(alpha)}, {verdict}.";
        return questions.Sem is { } sem
            ? text + $" A student's total is accurate to about ±{sem.ToString("0.0", CultureInfo.InvariantCulture)} marks (the standard error of measurement)."
            : text;
    }

    /// <summary>A number to two decimals, or a dash where there is none (no variance to correlate).</summary>
    public static string Decimal(double? value) => value?.ToString("0.00", CultureInfo.InvariantCulture) ?? "–";

    /// <summary>Marks to one decimal, or a dash where there are none.</summary>
    public static string Number(double? value) => value?.ToString("0.#", CultureInfo.InvariantCulture) ?? "–";

    /// <summary>How a choice is named on the page: the blank "" is "blank".</summary>
    public static string Choice(string choice) => choice.Length == 0 ? "blank" : choice;

    /// <summary>The choice given by the students with the highest mean total, against the keyed choices.</summary>
    private static string Miskey(QuestionItem item)
    {
        var strongest = item.Choices.Where(c => c.Choice.Length > 0).OrderByDescending(c => c.MeanMarks).FirstOrDefault();
        var keyed = item.Keyed.Count == 0 ? "no choice" : List(item.Keyed);
        return strongest is null || item.Keyed.Contains(strongest.Choice)
            ? $"Students who did well overall lost marks on this question more often than the others; the marks went to {keyed}: check the key and the wording."
            : $"Students who did well overall mostly chose {Choice(strongest.Choice)}; the marks went to {keyed}: check the key.";
    }

    private static string List(IReadOnlyList<string> choices) => choices.Count switch
    {
        0 => "",
        1 => Choice(choices[0]),
        _ => string.Join(", ", choices.Take(choices.Count - 1).Select(Choice)) + " and " + Choice(choices[^1]),
    };
}
