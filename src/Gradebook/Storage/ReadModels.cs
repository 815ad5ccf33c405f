namespace Gradebook.Storage;

internal sealed record StudentSummary(string StudentId, long ExamCount, double Average);

internal sealed record StudentResult(long Exam, double Score);

internal sealed record StudentDetails(string StudentId, long ExamCount, double Average, IReadOnlyList<StudentResult> Results);

internal sealed record ExamSummary(long Exam, long StudentCount, double Average);

internal sealed record ExamResult(string StudentId, double Score);

internal sealed record ExamDetails(long Exam, long StudentCount, double Average, IReadOnlyList<ExamResult> Results);

/// <summary>Where a feed resumes and how many of its events ended in each outcome.</summary>
internal sealed record FeedCursor(string? LastEventId, long Accepted, long Rejected, long Ignored)
{
    public long Received => Accepted + Rejected + Ignored;
}

/// <summary>A rejected feed event as it was received, with why it was rejected.</summary>
internal sealed record RejectedEvent(long Id, string Source, string? EventId, string EventType, string Data, string Reason, DateTimeOffset ReceivedAt);
