namespace Gradebook.Feed;

internal enum EventOutcome
{
    Accepted,
    Rejected,
    Ignored,
}

/// <summary>
/// One event as received from a feed, with what became of it: a <see cref="Score"/> (accepted),
/// a <see cref="Rejection"/> (rejected), or neither (ignored: not a score event).
/// </summary>
internal sealed record FeedEvent(string? EventId, string EventType, string Data, DateTimeOffset ReceivedAt, Score? Score, Rejection? Rejection)
{
    public const string ScoreEventType = "score";

    public EventOutcome Outcome => Score is not null ? EventOutcome.Accepted
        : Rejection is not null ? EventOutcome.Rejected
        : EventOutcome.Ignored;

    /// <summary>How many of the events ended in each outcome.</summary>
    public static (long Accepted, long Rejected, long Ignored) CountOutcomes(IReadOnlyList<FeedEvent> events)
    {
        long accepted = 0, rejected = 0, ignored = 0;
        foreach (var e in events)
        {
            switch (e.Outcome)
            {
                case EventOutcome.Accepted:
                    accepted++;
                    break;
                case EventOutcome.Rejected:
                    rejected++;
                    break;
                default:
                    ignored++;
                    break;
            }
        }

        return (accepted, rejected, ignored);
    }

    /// <summary>Reads one SSE event: score events are parsed and validated, other types are ignored.</summary>
    public static FeedEvent Read(string eventType, ReadOnlySpan<byte> data, DateTimeOffset receivedAt)
    {
        var text = System.Text.Encoding.UTF8.GetString(data);
        if (eventType != ScoreEventType)
        {
            return new FeedEvent(null, eventType, text, receivedAt, null, null);
        }

        var (score, rejection) = ScorePayload.Read(data);
        return new FeedEvent(null, eventType, text, receivedAt, score, rejection);
    }

    /// <summary>An event cut off for outgrowing the size bound: rejected, with what was read of it kept raw.</summary>
    public static FeedEvent Oversized(ReadOnlySpan<byte> truncatedData, int maxEventBytes, DateTimeOffset receivedAt) =>
        new(null, ScoreEventType, System.Text.Encoding.UTF8.GetString(truncatedData), receivedAt, null,
            new Rejection(RejectionReason.OversizedEvent, $"the event is larger than {maxEventBytes} bytes; only its start is kept"));
}
