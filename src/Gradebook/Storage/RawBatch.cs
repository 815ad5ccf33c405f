using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Gradebook.Grading;

namespace Gradebook.Storage;

/// <summary>One event of the raw record as it was received, before anything was made of it.</summary>
internal sealed record RawEvent(string? EventId, string EventType, string Data, DateTimeOffset ReceivedAt);

/// <summary>One row of the raw record: how many of a batch's events it holds, their JSON text in UTF-8 and their outcomes' letters.</summary>
internal sealed record RawRow(int EventCount, byte[] Json, string Outcomes);

/// <summary>
/// The physical form of the raw record: a feed batch is written as rows of <c>raw_batches</c> of up to
/// <see cref="MaxEvents"/> events each, a row's events one JSON array of <c>[event_id, event_type, data, received_at]</c>
/// arrays in arrival order, and their outcomes one letter per event, the first of the outcome's name (<c>a</c>,
/// <c>r</c>, <c>i</c>). JSON keeps every character of every string, and both engines can read it back in SQL (the
/// <c>raw_events</c> view does).
/// </summary>
internal static class RawBatch
{
    /// <summary>
    /// The most events one row holds: a row's JSON text stays at a few tens of kilobytes, under the .NET large object
    /// heap's threshold, so a catch-up batch of tens of thousands of events allocates no large object (one row per
    /// batch did, and a catch-up's memory grew with it); a row per 128 events costs one insert per 128.
    /// </summary>
    public const int MaxEvents = 128;

    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// A batch's events as the rows of the raw record, each of up to <see cref="MaxEvents"/> events, each row built as
    /// it is enumerated, so one row's text is alive at a time rather than a whole batch's.
    /// </summary>
    public static IEnumerable<RawRow> Rows(IReadOnlyList<FeedEvent> events) =>
        events.Chunk(MaxEvents).Select(chunk => new RawRow(chunk.Length, Events(chunk), Outcomes(chunk.Select(e => e.Outcome))));

    /// <summary>The events as the JSON text of one batch row, in UTF-8.</summary>
    public static byte[] Events(IReadOnlyList<FeedEvent> events)
    {
        var buffer = new ArrayBufferWriter<byte>(events.Count * 160);
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartArray();
            foreach (var e in events)
            {
                writer.WriteStartArray();
                if (e.EventId is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    writer.WriteStringValue(e.EventId);
                }

                writer.WriteStringValue(e.EventType);
                writer.WriteStringValue(e.Data);
                writer.WriteStringValue(e.ReceivedAt);
                writer.WriteEndArray();
            }

            writer.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A row's events without those at <paramref name="positions"/>, as the JSON text of the row (an erasure).</summary>
    public static string Without(string events, IReadOnlySet<int> positions)
    {
        using var document = JsonDocument.Parse(events);
        var buffer = new ArrayBufferWriter<byte>(events.Length);
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartArray();
            var position = 0;
            foreach (var e in document.RootElement.EnumerateArray())
            {
                if (!positions.Contains(position++))
                {
                    e.WriteTo(writer);
                }
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The events' outcomes, one letter each, in the events' order.</summary>
    public static string Outcomes(IEnumerable<EventOutcome> outcomes) => string.Concat(outcomes.Select(o => OutcomeCounts.Name(o)[0]));

    /// <summary>The outcome a letter of <see cref="Outcomes"/> stands for.</summary>
    public static EventOutcome Outcome(char letter) => letter switch
    {
        'a' => EventOutcome.Accepted,
        'r' => EventOutcome.Rejected,
        'i' => EventOutcome.Ignored,
        _ => throw new InvalidDataException($"'{letter}' is not an outcome of the raw record."),
    };

    /// <summary>Reads back the events of a batch row, in arrival order.</summary>
    public static List<RawEvent> Read(string events)
    {
        using var document = JsonDocument.Parse(events);
        var read = new List<RawEvent>(document.RootElement.GetArrayLength());
        foreach (var e in document.RootElement.EnumerateArray())
        {
            read.Add(new RawEvent(
                e[0].GetString(),
                e[1].GetString()!,
                e[2].GetString()!,
                DateTimeOffset.Parse(e[3].GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)));
        }

        return read;
    }
}
