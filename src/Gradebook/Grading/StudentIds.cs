namespace Gradebook.Grading;

/// <summary>The rule every student id obeys, wherever it comes from: opaque, case-sensitive, bounded.</summary>
internal static class StudentIds
{
    public const int MaxLength = 128;

    /// <summary>Returns null when <paramref name="id"/> is acceptable, otherwise what is wrong with it, naming it <paramref name="field"/>.</summary>
    public static string? Problem(string id, string field = "studentId")
    {
        if (id.Length == 0)
        {
            return $"{field} must not be empty";
        }

        if (id.Length > MaxLength)
        {
            return $"{field} must be at most {MaxLength} characters, got {id.Length}";
        }

        foreach (var c in id)
        {
            if (char.IsControl(c))
            {
                return $"{field} must not contain control characters";
            }
        }

        return null;
    }
}
