using Gradebook.Feed;
using Gradebook.Storage;
using Gradebook.Tests.Support;

namespace Gradebook.Tests.Storage;

/// <summary>The rebuild, on every engine: everything derived is derived again from the raw record, with today's rules.</summary>
public abstract partial class StoreContract
{
    /// <summary>Five batches of scores, each with a malformed event and an ignored one, then an event that is not UTF-8.</summary>
    internal static async Task WriteHistoryAsync(Store store)
    {
        var random = new Random(4);
        for (var batch = 0; batch < 5; batch++)
        {
            var events = Enumerable.Range(0, 200)
                .Select(_ => Scores.Event($"s{random.Next(20)}", random.Next(30), random.NextDouble()))
                .Append(Scores.Raw("{not json"))
                .Append(Scores.Raw("{}", eventType: "ping"))
                .ToList();
            await store.WriteFeedBatchAsync("feed", events, CancellationToken.None);
        }

        var utf8 = FeedEvent.Read("score", [.. "{\"studentId\":\"x"u8, 0xFF, .. "\",\"exam\":1,\"score\":1}"u8], DateTimeOffset.UtcNow);
        await store.WriteFeedBatchAsync("feed", [utf8 with { EventId = "bad-utf8" }], CancellationToken.None);
    }

    [StoreFact]
    public async Task Rebuilding_an_intact_store_changes_nothing_however_often_it_runs()
    {
        var store = await NewStoreAsync();
        await WriteHistoryAsync(store);
        var before = await EverythingAsync(store);
        var cursor = await store.GetFeedAsync("feed", CancellationToken.None);

        var first = await store.RebuildAsync(CancellationToken.None);
        var second = await store.RebuildAsync(CancellationToken.None);

        Assert.Equal(new RebuildReport(1_011, 1_000, 6, 5, 0, first.Results), first);
        Assert.Equal(first, second);
        var after = await EverythingAsync(store);
        Assert.Equal(before.Select(s => (s.StudentId, s.ExamCount)), after.Select(s => (s.StudentId, s.ExamCount)));
        Assert.All(before.Zip(after), p =>
        {
            Assert.Equal(p.First.Results, p.Second.Results);
            Assert.Equal(p.First.Average, p.Second.Average, 12);
        });
        Assert.Equal(cursor, await store.GetFeedAsync("feed", CancellationToken.None));
    }

    [StoreFact]
    public async Task Lost_derived_data_is_derived_again_from_the_raw_record()
    {
        var store = await NewStoreAsync();
        await WriteHistoryAsync(store);
        var before = await EverythingAsync(store);
        await ExecuteAsync(store, "DELETE FROM results; DELETE FROM students; UPDATE exams SET score_sum = 0;");

        await store.RebuildAsync(CancellationToken.None);

        var after = await EverythingAsync(store);
        Assert.Equal(before.Select(s => s.Results), after.Select(s => s.Results));
    }

    [StoreFact]
    public async Task An_event_that_fails_todays_rules_becomes_a_rejection_and_leaves_the_results()
    {
        var store = await NewStoreAsync();
        await store.WriteFeedBatchAsync("feed", [Scores.Event("amy", 1, 0.5, "1"), Scores.Event("amy", 2, 0.9, "2")], CancellationToken.None);
        // Stands in for a stricter rule: the stored event no longer passes validation.
        await ExecuteAsync(store, "UPDATE raw_events SET data = '{\"studentId\":\"amy\",\"exam\":2,\"score\":1.9}' WHERE event_id = '2'");

        var report = await store.RebuildAsync(CancellationToken.None);

        Assert.Equal(1, report.OutcomesChanged);
        var amy = await store.GetStudentAsync("amy", CancellationToken.None);
        Assert.Equal([new StudentResult(1, 0.5)], amy!.Results);
        Assert.Equal(0.5, amy.Average);
        Assert.Equal(new FeedCursor("2", 1, 1, 0), await store.GetFeedAsync("feed", CancellationToken.None));
        var rejection = Assert.Single(await store.ListRejectionsAsync(0, 10, CancellationToken.None));
        Assert.StartsWith("invalid_score: ", rejection.Reason, StringComparison.Ordinal);
        Assert.Null(await store.GetExamAsync(2, CancellationToken.None));
    }

    private static async Task<List<StudentDetails>> EverythingAsync(Store store)
    {
        var all = new List<StudentDetails>();
        foreach (var summary in await store.ListStudentsAsync("", 1000, CancellationToken.None))
        {
            all.Add((await store.GetStudentAsync(summary.StudentId, CancellationToken.None))!);
        }

        return all;
    }

    private static async Task ExecuteAsync(Store store, string sql)
    {
        await using var connection = await store.OpenAsync(CancellationToken.None);
        await using var command = connection.Command(sql);
        await command.ExecuteNonQueryAsync();
    }
}
