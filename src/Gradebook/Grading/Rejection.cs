namespace Gradebook.Grading;

/// <summary>Why a received event was not turned into a score.</summary>
internal enum RejectionReason
{
    MalformedJson,
    InvalidUtf8,
    MissingField,
    DuplicateField,
    InvalidStudentId,
    InvalidExam,
    InvalidScore,
    OversizedEvent,
}

/// <summary>A rejected event's reason and a message that says what was wrong with it.</summary>
internal sealed record Rejection(RejectionReason Reason, string Message)
{
    public string Code => CodeOf(Reason);

    public static string CodeOf(RejectionReason reason) => reason switch
    {
        RejectionReason.MalformedJson => "malformed_json",
        RejectionReason.InvalidUtf8 => "invalid_utf8",
        RejectionReason.MissingField => "missing_field",
        RejectionReason.DuplicateField => "duplicate_field",
        RejectionReason.InvalidStudentId => "invalid_student_id",
        RejectionReason.InvalidExam => "invalid_exam",
        RejectionReason.InvalidScore => "invalid_score",
        RejectionReason.OversizedEvent => "oversized_event",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };

    public override string ToString() => $"{Code}: {Message}";

    /// <summary>Reads a rejection back from its <see cref="ToString"/> form, as the raw record stores it.</summary>
    public static Rejection Parse(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var code = colon < 0 ? text : text[..colon];
        var reason = Enum.GetValues<RejectionReason>().FirstOrDefault(r => CodeOf(r) == code, RejectionReason.MalformedJson);
        return new Rejection(reason, colon < 0 ? "" : text[(colon + 1)..].TrimStart());
    }
}
