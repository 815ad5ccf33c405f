namespace Gradebook.Grading;

internal enum EventOutcome
{
    Accepted,
    Rejected,
    Ignored,
}

/// <summary>
/// One event as received from a feed, with what became of it: a <see cref="Score"/> (accepted),
/// a <see cref="Rejection"/> (rejected), or neither (ignored: not a score event). The raw record keeps every one.
/// </summary>
internal sealed record FeedEvent(string? EventId, string EventType, string Data, DateTimeOffset ReceivedAt, Score? Score, Rejection? Rejection)
{
    public const string ScoreEventType = "score";

    public EventOutcome Outcome => Score is not null ? EventOutcome.Accepted
        : Rejection is not null ? EventOutcome.Rejected
        : EventOutcome.Ignored;

    /// <summary>How many of the events ended in each outcome.</summary>
    public static OutcomeCounts CountOutcomes(IEnumerable<FeedEvent> events)
    {
        var counts = new OutcomeCounts(0, 0, 0);
        foreach (var e in events)
        {
            counts = counts.Add(e.Outcome);
        }

        return counts;
    }
}

/// <summary>How many events ended in each outcome.</summary>
internal readonly record struct OutcomeCounts(long Accepted, long Rejected, long Ignored)
{
    public long Total => Accepted + Rejected + Ignored;

    public OutcomeCounts Add(EventOutcome outcome) => outcome switch
    {
        EventOutcome.Accepted => this with { Accepted = Accepted + 1 },
        EventOutcome.Rejected => this with { Rejected = Rejected + 1 },
        _ => this with { Ignored = Ignored + 1 },
    };

    public static string Name(EventOutcome outcome) => outcome switch
    {
        EventOutcome.Accepted => "accepted",
        EventOutcome.Rejected => "rejected",
        EventOutcome.Ignored => "ignored",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome)),
    };
}
