using Gradebook.Exams;
using Gradebook.Feed;
using Gradebook.Grading;
using Gradebook.Storage;
using Gradebook.Tests.Support;

namespace Gradebook.Tests.Storage;

/// <summary>Score events whose unknown fields hold JSON of any shape, read by the feed's reader and stored, on every engine.</summary>
public abstract partial class StoreContract
{
    [StoreFact]
    public async Task A_score_with_any_json_in_an_unknown_field_is_stored_and_its_event_recorded_as_received()
    {
        var store = await NewStoreAsync();
        string[] extras =
        [
            """{"x":[1,2]}""",
            """{"a":{"b":[[],{},[{"c":null}]]},"n":123456789012345678901234567890,"e":-1.5e+9999}""",
            """ "\"\\\/\b\f\n\r\t\u0000\u00e9\ud83d\ude00\u2028" """,
            "\"Zoë 日本 😀 \u2028 \u007f\"",
            new string('[', ScorePayload.MaxDepth - 1) + new string(']', ScorePayload.MaxDepth - 1),
            """{meta: [.5, -.25]}""",
        ];
        var events = extras.Select((extra, i) => Scores.Raw($$"""{"studentId":"s{{i}}","exam":1,"score":0.5,"meta":{{extra}}}""")).ToList();
        Assert.All(events, e => Assert.Equal(EventOutcome.Accepted, e.Outcome));

        await store.WriteFeedBatchAsync("f", events, CancellationToken.None);

        var exam = await store.GetExamAsync(1, CancellationToken.None);
        Assert.Equal(extras.Select((_, i) => new ExamResult($"s{i}", 0.5)), exam!.Results.OrderBy(r => r.StudentId, StringComparer.Ordinal));
        var rows = await RawEventsAsync(store);
        Assert.Equal(events.Select(e => (e.Data, "accepted")), rows.Select(r => (r.Data, r.Outcome)));
    }
}
