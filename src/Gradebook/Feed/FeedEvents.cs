using System.Text;
using Gradebook.Grading;

namespace Gradebook.Feed;

/// <summary>Turns the events an SSE stream delivers into <see cref="FeedEvent"/>s with their outcome.</summary>
internal static class FeedEvents
{
    /// <summary>Reads one SSE event: score events are parsed and validated, other types are ignored.</summary>
    public static FeedEvent Read(string eventType, ReadOnlySpan<byte> data, DateTimeOffset receivedAt)
    {
        var text = Encoding.UTF8.GetString(data);
        if (eventType != FeedEvent.ScoreEventType)
        {
            return new FeedEvent(null, eventType, text, receivedAt, null, null);
        }

        var (score, rejection) = ScorePayload.Read(data);
        return new FeedEvent(null, eventType, text, receivedAt, score, rejection);
    }

    /// <summary>An event cut off for outgrowing the size bound: rejected, with what was read of it kept raw.</summary>
    public static FeedEvent Oversized(ReadOnlySpan<byte> truncatedData, int maxEventBytes, DateTimeOffset receivedAt) =>
        new(null, FeedEvent.ScoreEventType, Encoding.UTF8.GetString(truncatedData), receivedAt, null,
            new Rejection(RejectionReason.OversizedEvent, $"the event is larger than {maxEventBytes} bytes; only its start is kept"));
}
