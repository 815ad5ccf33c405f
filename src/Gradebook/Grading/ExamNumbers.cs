using System.Globalization;

namespace Gradebook.Grading;

/// <summary>The rule every exam number obeys: a whole number a JSON client can represent exactly.</summary>
internal static class ExamNumbers
{
    /// <summary>2^53 - 1: the largest integer every JSON reader (JavaScript included) keeps exact.</summary>
    public const long Max = 9_007_199_254_740_991;

    public static bool IsValid(long exam) => exam is >= 0 and <= Max;

    /// <summary>Reads an exam number written as digits only, as in a URL or a Markr <c>test-id</c>.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out long exam) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out exam) && IsValid(exam);
}
