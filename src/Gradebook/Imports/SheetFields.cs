using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Gradebook.Grading;

namespace Gradebook.Imports;

/// <summary>
/// One <c>mcq-test-result</c>'s fields as the document gives them (null where absent), and the rules they must obey
/// to be a result: what a document must hold, in one place.
/// </summary>
internal sealed record SheetFields(
    string? StudentNumber,
    string? TestId,
    string? FirstName,
    string? LastName,
    bool HasMarks,
    string? Obtained,
    string? Available,
    string? ScannedOn,
    IReadOnlyList<SheetAnswerFields> Answers)
{
    /// <summary>The longest question label and choice kept; answer sheets label questions with a few characters.</summary>
    public const int MaxAnswerTextLength = 64;

    /// <summary>The result, or everything wrong with it (added to the problems already found while reading it).</summary>
    public bool TryValidate(
        int index, int line, List<string> problems, [NotNullWhen(true)] out ImportedSheet? result, [NotNullWhen(false)] out InvalidResult? invalid)
    {
        var exam = 0L;
        if (StudentNumber is null)
        {
            problems.Add("student-number is missing");
        }
        else if (StudentIds.Problem(StudentNumber, "student-number") is { } problem)
        {
            problems.Add(problem);
        }

        if (TestId is null)
        {
            problems.Add("test-id is missing");
        }
        else if (!ExamNumbers.TryParse(TestId, out exam))
        {
            problems.Add($"test-id must be a whole number from 0 to {ExamNumbers.Max}, got {Quote(TestId)}");
        }

        var firstName = Name(FirstName, "first-name", problems);
        var lastName = Name(LastName, "last-name", problems);
        var (obtainedMarks, availableMarks) = HasMarks ? Marks(Obtained, Available, problems) : (0, 0);
        if (!HasMarks)
        {
            problems.Add("summary-marks is missing");
        }

        var scannedOn = When(ScannedOn, problems);
        var answers = ValidAnswers(problems);

        // A missing student number is one of the problems; the pattern only tells the compiler so.
        if (problems.Count > 0 || StudentNumber is not { } studentNumber)
        {
            result = null;
            invalid = new InvalidResult(index, line, StudentNumber, problems);
            return false;
        }

        result = new ImportedSheet(index, studentNumber, exam, obtainedMarks, availableMarks, firstName, lastName, scannedOn, answers);
        invalid = null;
        return true;
    }


    /// <summary><c>scanned-on</c> is optional; present, it is a date and time (ISO 8601, with its offset).</summary>
    private static DateTimeOffset? When(string? text, List<string> problems)
    {
        if (text is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
        {
            return when;
        }

        problems.Add($"scanned-on must be a date and time, got {Quote(text)}");
        return null;
    }

    /// <summary>
    /// Each answer names its question once, and earns from 0 to the marks available (more than 0); its choice is the
    /// element's text ("" for none). Problems are added; the valid answers are returned.
    /// </summary>
    private List<SheetAnswer> ValidAnswers(List<string> problems)
    {
        var answers = new List<SheetAnswer>(Answers.Count);
        var questions = new HashSet<string>(StringComparer.Ordinal);
        foreach (var answer in Answers)
        {
            var question = answer.Question?.Trim();
            if (string.IsNullOrEmpty(question))
            {
                problems.Add("an answer has no question attribute");
                continue;
            }

            var label = $"answer to question {Quote(question)}";
            var before = problems.Count;
            if (question.Length > MaxAnswerTextLength || answer.Choice.Length > MaxAnswerTextLength)
            {
                problems.Add($"{label}: the question and the choice must be at most {MaxAnswerTextLength} characters");
            }

            if (!questions.Add(question))
            {
                problems.Add($"question {Quote(question)} is answered more than once");
            }

            var available = AnswerMarks(answer.Available, label, "marks-available", problems);
            var awarded = AnswerMarks(answer.Awarded, label, "marks-awarded", problems);
            if (available is <= 0)
            {
                problems.Add($"{label}: marks-available must be more than 0");
            }
            else if (awarded is { } a && available is { } b && (a < 0 || a > b))
            {
                problems.Add($"{label}: marks-awarded must be from 0 to marks-available");
            }

            if (problems.Count == before)
            {
                answers.Add(new SheetAnswer(question, answer.Choice, awarded!.Value, available!.Value));
            }
        }

        return answers;
    }

    private static double? AnswerMarks(string? text, string label, string attribute, List<string> problems)
    {
        if (text is null)
        {
            problems.Add($"{label} has no {attribute} attribute");
            return null;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
        {
            return value + 0.0;
        }

        problems.Add($"{label}: {attribute} must be a number, got {Quote(text)}");
        return null;
    }

    /// <summary>Checks <c>available</c> (more than 0) and <c>obtained</c> (from 0 to available).</summary>
    private static (double Obtained, double Available) Marks(string? obtained, string? available, List<string> problems)
    {
        var availableMarks = Number(available, "available", problems);
        var obtainedMarks = Number(obtained, "obtained", problems);
        if (availableMarks is <= 0)
        {
            problems.Add($"summary-marks available must be more than 0, got {Quote(available!)}");
        }

        if (obtainedMarks is < 0)
        {
            problems.Add($"summary-marks obtained must not be negative, got {Quote(obtained!)}");
        }
        else if (obtainedMarks > availableMarks && availableMarks > 0)
        {
            problems.Add($"summary-marks obtained {obtainedMarks.Value.ToString(CultureInfo.InvariantCulture)} is more than available {availableMarks.Value.ToString(CultureInfo.InvariantCulture)}");
        }

        return (obtainedMarks ?? 0, availableMarks ?? 0);
    }

    private static double? Number(string? text, string attribute, List<string> problems)
    {
        if (text is null)
        {
            problems.Add($"summary-marks has no {attribute} attribute");
            return null;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
        {
            return value + 0.0; // folds -0 into 0
        }

        problems.Add($"summary-marks {attribute} must be a number, got {Quote(text)}");
        return null;
    }

    /// <summary>A name is optional: absent or empty is null; present, it is at most <see cref="MarkrReader.MaxNameLength"/> characters of text.</summary>
    private static string? Name(string? name, string element, List<string> problems)
    {
        if (string.IsNullOrEmpty(name))
        {
            return null;
        }

        if (name.Length > MarkrReader.MaxNameLength)
        {
            problems.Add($"{element} must be at most {MarkrReader.MaxNameLength} characters, got {name.Length}");
        }
        else if (name.Any(char.IsControl))
        {
            problems.Add($"{element} must not contain control characters");
        }

        return name;
    }

    private static string Quote(string value) => $"'{MarkrReader.Cut(value)}'";
}

/// <summary>One <c>answer</c> element as the document gives it: its attributes (null where absent) and its text, trimmed.</summary>
internal sealed record SheetAnswerFields(string? Question, string Choice, string? Awarded, string? Available);
