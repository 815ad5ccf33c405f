using Dapper;
using Gradebook.Feed;
using Gradebook.Grading;
using Gradebook.Storage;
using Gradebook.Students;
using Gradebook.Tests.Support;

namespace Gradebook.Tests.Storage;

/// <summary>The raw record's physical form, on every engine: a batch is one row, and nothing of any event is lost.</summary>
public abstract partial class StoreContract
{
    [StoreFact]
    public async Task A_batch_is_one_row_that_gives_back_every_character_of_every_event()
    {
        var store = await NewStoreAsync();
        var receivedAt = new DateTimeOffset(2026, 5, 1, 9, 30, 15, TimeSpan.FromHours(-4)).AddTicks(1_234_567);
        List<FeedEvent> events =
        [
            Scores.Event("amy", 1, 0.5, "1"),
            Scores.Raw("{not json", "2"),
            Scores.Raw("{\"a\":\"\\\"quoted\\\" \\\\ \\n\"}", "3", eventType: "ping"),
            Scores.Raw("{\"studentId\":\"Zoë 日本 😀\u2028\",\"exam\":2,\"score\":0.25,\"x\":\"<&>'\"}"),
            FeedEvents.Read("score", [.. "{\"studentId\":\"nul"u8, 0x00, .. "\",\"exam\":3,\"score\":1}"u8], receivedAt) with { EventId = "5" },
            Scores.Raw(" \t{\"studentId\":\"bob\",\"exam\":1,\"score\":0.75}\r\n", "6"),
        ];
        events = [.. events.Select(e => e with { ReceivedAt = receivedAt })];

        await store.WriteFeedBatchAsync("f", events, CancellationToken.None);

        await using var connection = await store.OpenAsync(CancellationToken.None);
        var batch = (await connection.QueryAsync<(long EventCount, string Events, string Outcomes)>(
            "SELECT event_count, events, outcomes FROM raw_batches")).Single();
        Assert.Equal(events.Count, batch.EventCount);
        Assert.Equal(string.Concat(events.Select(e => OutcomeCounts.Name(e.Outcome)[0])), batch.Outcomes);
        Assert.Equal(
            events.Select(e => new Gradebook.Storage.RawEvent(e.EventId, e.EventType, e.Data, e.ReceivedAt)),
            RawBatch.Read(batch.Events));
        Assert.Contains('\0', RawBatch.Read(batch.Events)[4].Data);

        var rejections = await store.ListRejectionsAsync(0, 10, CancellationToken.None);
        Assert.Equal(events.Where(e => e.Rejection is not null).Select(e => (e.EventId, e.Rejection!.ToString())), rejections.Select(r => (r.EventId, r.Reason)));
        Assert.Equal(6, await store.RawEventCountAsync("f"));
    }

    [StoreFact]
    public async Task A_large_batch_is_written_as_rows_of_at_most_128_events_with_each_rejection_in_its_place()
    {
        var store = await NewStoreAsync();
        var events = Enumerable.Range(0, 300)
            .Select(i => i % 100 == 72 ? Scores.Raw("{bad", $"{i}") : Scores.Event($"s{i % 9}", i / 10, 0.5, $"{i}"))
            .ToList();

        await store.WriteFeedBatchAsync("f", events, CancellationToken.None);

        Assert.Equal(["128|1", "128|1", "44|1"], await RowsAsync(store, "SELECT event_count, length(outcomes) - length(replace(outcomes, 'r', '')) FROM raw_batches ORDER BY id"));
        Assert.Equal(["0|72", "1|44", "2|16"], await RowsAsync(store, "SELECT b.rank, r.position FROM rejected_events AS r JOIN (SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS rank FROM raw_batches) AS b ON b.id = r.batch_id ORDER BY r.id"));
        Assert.Equal(["72", "172", "272"], (await store.ListRejectionsAsync(0, 10, CancellationToken.None)).Select(r => r.EventId));
        Assert.Equal(events.Select(e => e.EventId), (await RowsAsync(store, "SELECT event_id FROM raw_events ORDER BY batch_id, position")));
        var report = await store.RebuildAsync(CancellationToken.None);
        Assert.Equal((300L, 297L, 3L, 0L), (report.Events, report.Accepted, report.Rejected, report.OutcomesChanged));
    }

    [StoreFact]
    public async Task The_raw_events_view_shows_each_event_with_its_outcome_and_reason()
    {
        var store = await NewStoreAsync();
        await store.WriteFeedBatchAsync("f", [Scores.Event("amy", 1, 0.5, "1"), Scores.Raw("{}", "2"), Scores.Raw("{}", "3", eventType: "ping")], CancellationToken.None);
        await store.WriteFeedBatchAsync("g", [Scores.Event("bob", 1, 0.5, "1")], CancellationToken.None);

        var rows = await RowsAsync(store, "SELECT source, position, event_id, event_type, data, outcome, reason FROM raw_events ORDER BY batch_id, position");

        Assert.Equal(
            [
                "f|0|1|score|{\"studentId\":\"amy\",\"exam\":1,\"score\":0.5}|accepted|",
                "f|1|2|score|{}|rejected|" + Assert.Single(await store.ListRejectionsAsync(0, 10, CancellationToken.None)).Reason,
                "f|2|3|ping|{}|ignored|",
                "g|0|1|score|{\"studentId\":\"bob\",\"exam\":1,\"score\":0.5}|accepted|",
            ],
            rows);
    }

    [StoreFact]
    public async Task A_raw_record_of_one_row_per_event_is_migrated_to_batches_and_keeps_its_rejection_ids()
    {
        var connectionString = await NewDatabaseAsync();
        var store = Open(connectionString);
        _stores.Add(store);
        await store.MigrateAsync(CancellationToken.None, through: 7);
        var malformed = FeedEvents.Read("score", "{bad"u8, DateTimeOffset.UtcNow).Rejection!.ToString();
        var old = Enumerable.Range(0, 1_015).Select(i => new
        {
            source = i % 100 == 7 && i < 900 ? "b" : "a",
            event_id = i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            event_type = i % 50 == 3 ? "ping" : "score",
            data = i % 40 == 9 ? "{bad" : $"{{\"studentId\":\"s{i % 7}\",\"exam\":{i % 5},\"score\":0.{i % 10}}}",
            outcome = i % 50 == 3 ? "ignored" : i % 40 == 9 ? "rejected" : "accepted",
            reason = i % 40 == 9 ? malformed : null,
        }).ToList();
        await using (var connection = await store.OpenAsync(CancellationToken.None))
        {
            await using var transaction = await connection.BeginTransactionAsync();
            await connection.ExecuteAsync(
                """
                INSERT INTO raw_events (source, event_id, event_type, data, received_at, outcome, reason)
                VALUES (@source, @event_id, @event_type, @data, '2026-01-02T03:04:05.0000000+00:00', @outcome, @reason)
                """,
                old,
                transaction);
            await transaction.CommitAsync();
        }

        var rejectionIds = await RowsAsync(store, "SELECT id FROM raw_events WHERE outcome = 'rejected' ORDER BY id");

        await store.MigrateAsync(CancellationToken.None);

        var expected = old.Select(e => $"{e.source}|{e.event_id}|{e.event_type}|{e.data}|{e.outcome}|{e.reason}");
        var migrated = await RowsAsync(store, "SELECT source, event_id, event_type, data, outcome, reason FROM raw_events");
        Assert.Equal(expected.Order(StringComparer.Ordinal), migrated.Order(StringComparer.Ordinal));
        // Rows of up to 128 events of one feed: ids 1 to 1,015 (i + 1) fall in 8 ranges of 128, "b" in 7 of them.
        Assert.Equal(old.Select((e, i) => (e.source, (i + 1) / 128)).Distinct().Count(), (await RowsAsync(store, "SELECT id FROM raw_batches")).Count);
        var rejections = await store.ListRejectionsAsync(0, 100, CancellationToken.None);
        Assert.Equal(rejectionIds, rejections.Select(r => r.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.All(rejections, r => Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), r.ReceivedAt));

        await store.WriteFeedBatchAsync("a", [Scores.Raw("{also bad", "new")], CancellationToken.None);
        var report = await store.RebuildAsync(CancellationToken.None);

        Assert.True((await store.ListRejectionsAsync(0, 100, CancellationToken.None))[^1].Id > rejections[^1].Id);
        Assert.Equal((1_016L, 0L), (report.Events, report.OutcomesChanged));
        Assert.Equal(old.Count(e => e.outcome == "accepted"), report.Accepted);
        var s3 = await store.GetStudentAsync("s3", CancellationToken.None);
        var expectedS3 = old.Where(e => e.outcome == "accepted" && e.data.Contains("\"s3\"", StringComparison.Ordinal))
            .Select(e => System.Text.Json.JsonDocument.Parse(e.data).RootElement)
            .GroupBy(d => d.GetProperty("exam").GetInt64())
            .Select(g => new StudentResult(g.Key, g.Max(d => d.GetProperty("score").GetDouble())))
            .OrderBy(r => r.Exam);
        Assert.Equal(expectedS3, s3!.Results);
    }
}
