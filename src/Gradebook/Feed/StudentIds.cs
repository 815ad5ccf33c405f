namespace Gradebook.Feed;

/// <summary>The rule every student id obeys, wherever it comes from: opaque, case-sensitive, bounded.</summary>
internal static class StudentIds
{
    public const int MaxLength = 128;

    /// <summary>Returns null when <paramref name="id"/> is acceptable, otherwise what is wrong with it.</summary>
    public static string? Problem(string id)
    {
        if (id.Length == 0)
        {
            return "studentId must not be empty";
        }

        if (id.Length > MaxLength)
        {
            return $"studentId must be at most {MaxLength} characters, got {id.Length}";
        }

        foreach (var c in id)
        {
            if (char.IsControl(c))
            {
                return "studentId must not contain control characters";
            }
        }

        return null;
    }
}
