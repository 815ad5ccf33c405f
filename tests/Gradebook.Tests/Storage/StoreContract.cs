using System.Globalization;
using Gradebook.Exams;
using Gradebook.Feed;
using Gradebook.Grading;
using Gradebook.Storage;
using Gradebook.Students;
using Gradebook.Tests.Support;

namespace Gradebook.Tests.Storage;

/// <summary>
/// What every store promises, whatever its engine: the reads, the dedup rule, the aggregates, the raw record, the feed
/// cursor, paging and migrations; imports (<c>StoreContract.Imports.cs</c>) and the rebuild (<c>StoreContract.Rebuild.cs</c>).
/// One derived class per engine runs all of it against a real database.
/// </summary>
public abstract partial class StoreContract : IAsyncLifetime
{
    private readonly List<StoreHarness> _stores = [];

    /// <summary>The connection string of a new, empty database of this test's own.</summary>
    protected abstract Task<string> NewDatabaseAsync();

    /// <summary>A store over the database the connection string names, as a newly started instance would open it.</summary>
    private protected abstract StoreHarness Open(string connectionString);

    public Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            if (store is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }
    }

    [StoreFact]
    public async Task Highest_score_wins_when_a_result_repeats()
    {
        var store = await NewStoreAsync();
        await Scores.WriteAsync(store, ("amy", 1, 0.4), ("amy", 1, 0.9), ("amy", 1, 0.6));
        await Scores.WriteAsync(store, ("amy", 1, 0.7));

        var student = await store.GetStudentAsync("amy", CancellationToken.None);
        Assert.Equal([new StudentResult(1, 0.9)], student!.Results);
        Assert.Equal(1, student.ExamCount);
        Assert.Equal(0.9, student.Average, 12);
        var exam = await store.GetExamAsync(1, CancellationToken.None);
        Assert.Equal([new ExamResult("amy", 0.9)], exam!.Results);
        Assert.Equal((1, 0.9), (exam.StudentCount, exam.Average));
    }

    [StoreFact]
    public async Task Any_arrival_order_gives_the_same_results_and_averages()
    {
        var scores = Enumerable.Range(0, 300)
            .Select(i => ($"s{i % 17}", (long)(i % 11), ((i * 37) % 100) / 100.0))
            .ToArray();
        var forward = await NewStoreAsync();
        var shuffled = await NewStoreAsync();
        foreach (var chunk in scores.Chunk(40))
        {
            await Scores.WriteAsync(forward, chunk);
        }

        foreach (var chunk in scores.Reverse().Chunk(7))
        {
            await Scores.WriteAsync(shuffled, chunk);
        }

        var a = await forward.ListStudentsAsync("", 1000, CancellationToken.None);
        var b = await shuffled.ListStudentsAsync("", 1000, CancellationToken.None);
        Assert.Equal(a.Select(s => (s.StudentId, s.ExamCount)), b.Select(s => (s.StudentId, s.ExamCount)));
        Assert.All(a.Zip(b), pair => Assert.Equal(pair.First.Average, pair.Second.Average, 12));
        foreach (var exam in Enumerable.Range(0, 11))
        {
            var x = await forward.GetExamAsync(exam, CancellationToken.None);
            var y = await shuffled.GetExamAsync(exam, CancellationToken.None);
            Assert.Equal(x!.Results, y!.Results);
        }
    }

    [StoreFact]
    public async Task Repeats_anywhere_in_a_large_batch_fold_into_the_highest()
    {
        // One result repeated 700 times, scattered among 3,000 others in one batch, counts once, at its highest, in the
        // results and in both averages.
        var random = new Random(14);
        var scores = Enumerable.Range(0, 3000)
            .Select(_ => ($"s{random.Next(40)}", (long)random.Next(25), Math.Round(random.NextDouble(), 4)))
            .Concat(Enumerable.Range(0, 700).Select(i => ("s7", 3L, i / 1000.0)))
            .OrderBy(_ => random.Next())
            .ToArray();
        var store = await NewStoreAsync();

        await Scores.WriteAsync(store, scores);

        var highest = scores.GroupBy(s => (s.Item1, s.Item2)).ToDictionary(g => g.Key, g => g.Max(s => s.Item3));
        foreach (var exam in highest.Keys.Select(k => k.Item2).Distinct())
        {
            var stored = await store.GetExamAsync(exam, CancellationToken.None);
            var expected = highest.Where(h => h.Key.Item2 == exam).OrderBy(h => h.Key.Item1, StringComparer.Ordinal).ToList();
            Assert.Equal(expected.Select(h => new ExamResult(h.Key.Item1, h.Value)), stored!.Results);
            Assert.Equal(expected.Average(h => h.Value), stored.Average, 12);
        }

        var student = await store.GetStudentAsync("s7", CancellationToken.None);
        var own = highest.Where(h => h.Key.Item1 == "s7").ToList();
        Assert.Equal(own.Count, student!.ExamCount);
        Assert.Equal(own.Average(h => h.Value), student.Average, 12);
    }

    [StoreFact]
    public async Task Every_average_is_the_mean_of_the_results_it_lists()
    {
        var store = await NewStoreAsync();
        var random = new Random(3);
        for (var batch = 0; batch < 20; batch++)
        {
            await Scores.WriteAsync(store, Enumerable.Range(0, 100)
                .Select(_ => ($"s{random.Next(30)}", (long)random.Next(40), random.NextDouble()))
                .ToArray());
        }

        foreach (var summary in await store.ListStudentsAsync("", 1000, CancellationToken.None))
        {
            var student = await store.GetStudentAsync(summary.StudentId, CancellationToken.None);
            Assert.Equal(student!.Results.Count, summary.ExamCount);
            Assert.Equal(student.Results.Average(r => r.Score), summary.Average, 12);
            Assert.Equal(summary.Average, student.Average);
        }

        foreach (var summary in await store.ListExamsAsync(-1, 1000, CancellationToken.None))
        {
            var exam = await store.GetExamAsync(summary.Exam, CancellationToken.None);
            Assert.Equal(exam!.Results.Count, summary.StudentCount);
            Assert.Equal(exam.Results.Average(r => r.Score), summary.Average, 12);
        }
    }

    [StoreFact]
    public async Task A_batch_of_thousands_of_events_is_committed_whole()
    {
        var store = await NewStoreAsync();
        var scores = Enumerable.Range(0, 10_000).Select(i => ($"s{i % 1000:D4}", (long)(i / 1000), (i % 97) / 96.0)).ToArray();

        await Scores.WriteAsync(store, scores);

        var cursor = await store.GetFeedAsync("test", CancellationToken.None);
        Assert.Equal((10_000, 0, 0), (cursor!.Accepted, cursor.Rejected, cursor.Ignored));
        var students = await store.ListStudentsAsync("", 1000, CancellationToken.None);
        Assert.Equal(1000, students.Count);
        Assert.All(students, s => Assert.Equal(10, s.ExamCount));
        Assert.Equal(Enumerable.Range(0, 10).Select(e => (long)e), (await store.ListExamsAsync(-1, 100, CancellationToken.None)).Select(e => e.Exam));
    }

    [StoreFact]
    public async Task Every_event_is_recorded_raw_with_its_outcome_and_the_feed_resumes_after_the_last()
    {
        var store = await NewStoreAsync();
        var events = new List<FeedEvent>
        {
            Scores.Event("amy", 1, 0.5, "10"),
            Scores.Raw("{broken", "11"),
            Scores.Raw("hello", "12", eventType: "heartbeat"),
            Scores.Event("bob", 1, 0.25, "13"),
        };
        await store.WriteFeedBatchAsync("http://feed.example/scores", events, CancellationToken.None);

        Assert.Equal(new FeedCursor { LastEventId = "13", Received = 4, Accepted = 2, Rejected = 1, Ignored = 1 }, await store.GetFeedAsync("http://feed.example/scores", CancellationToken.None));
        Assert.Null(await store.GetFeedAsync("elsewhere", CancellationToken.None));

        var rows = await RawEventsAsync(store);
        Assert.Equal(4, rows.Count);
        Assert.Equal(("11", "score", "{broken", "rejected"), (rows[1].EventId, rows[1].EventType, rows[1].Data, rows[1].Outcome));
        Assert.StartsWith("malformed_json: ", rows[1].Reason, StringComparison.Ordinal);
        Assert.Equal(("12", "heartbeat", "ignored", null), (rows[2].EventId, rows[2].EventType, rows[2].Outcome, rows[2].Reason));
        Assert.Equal("accepted", rows[3].Outcome);
    }

    [StoreFact]
    public async Task Event_text_no_database_can_hold_is_recorded_and_does_not_stop_the_batch()
    {
        var store = await NewStoreAsync();
        var events = new List<FeedEvent>
        {
            Scores.Raw("{\"studentId\":\"a\0b\",\"exam\":1,\"score\":0.5}", "1"),
            Scores.Raw("\0", "2", eventType: "ping\0"),
            Scores.Raw("{\"studentId\":\"\\ud800\",\"exam\":1,\"score\":0.5}", "3"),
            Scores.Event("amy", 1, 0.5, "4"),
        };

        await store.WriteFeedBatchAsync("f", events, CancellationToken.None);

        Assert.Equal(new FeedCursor { LastEventId = "4", Received = 4, Accepted = 1, Rejected = 2, Ignored = 1 }, await store.GetFeedAsync("f", CancellationToken.None));
        Assert.Equal(["rejected", "ignored", "rejected", "accepted"], (await RawEventsAsync(store)).Select(r => r.Outcome));
        Assert.Equal(["amy"], (await store.ListStudentsAsync("", 10, CancellationToken.None)).Select(s => s.StudentId));
    }

    [StoreFact]
    public async Task Feed_counts_accumulate_across_batches_and_restarts()
    {
        var (store, connectionString) = await NewStoreWithConnectionStringAsync();
        await store.WriteFeedBatchAsync("f", [Scores.Event("a", 1, 0.1, "1"), Scores.Raw("x", "2")], CancellationToken.None);
        var reopened = await MigratedAsync(Open(connectionString));
        await reopened.WriteFeedBatchAsync("f", [Scores.Raw("y", null, "ping") with { EventId = null }], CancellationToken.None);

        Assert.Equal(new FeedCursor { LastEventId = "2", Received = 3, Accepted = 1, Rejected = 1, Ignored = 1 }, await reopened.GetFeedAsync("f", CancellationToken.None));
    }

    [StoreFact]
    public async Task Migrations_are_recorded_and_applying_them_again_changes_nothing()
    {
        var (store, connectionString) = await NewStoreWithConnectionStringAsync();
        await Scores.WriteAsync(store, ("amy", 1, 0.5));
        var versions = await store.AppliedMigrationsAsync(CancellationToken.None);

        await store.MigrateAsync(CancellationToken.None);
        await MigratedAsync(Open(connectionString));

        Assert.Equal(versions, await store.AppliedMigrationsAsync(CancellationToken.None));
        Assert.Equal(store.Migrations.Known, versions);
        Assert.NotNull(await store.GetStudentAsync("amy", CancellationToken.None));
    }

    [StoreFact]
    public async Task Student_ids_are_case_sensitive_and_never_numeric()
    {
        var store = await NewStoreAsync();
        await Scores.WriteAsync(store, ("002299", 1, 0.1), ("2299", 1, 0.2), ("Amy", 1, 0.3), ("amy", 1, 0.4));

        var ids = (await store.ListStudentsAsync("", 10, CancellationToken.None)).Select(s => s.StudentId);
        Assert.Equal(["002299", "2299", "Amy", "amy"], ids);
        Assert.Null(await store.GetStudentAsync("AMY", CancellationToken.None));
    }

    [StoreFact]
    public async Task Student_ids_sort_in_code_point_order_whatever_the_locale()
    {
        var store = await NewStoreAsync();
        string[] codePointOrder = ["002299", "2299", "Amy", "Zoe", "_b", "a b", "amy", "zoe", "é", "\uFF21", "\U0001F600"];
        await Scores.WriteAsync(store, codePointOrder.Reverse().Select((id, i) => (id, 1L, i / 10.0)).ToArray());

        Assert.Equal(codePointOrder, (await store.ListStudentsAsync("", 100, CancellationToken.None)).Select(s => s.StudentId));
        Assert.Equal(codePointOrder[4..], (await store.ListStudentsAsync("Zoe", 100, CancellationToken.None)).Select(s => s.StudentId));
        Assert.Equal(codePointOrder, (await store.GetExamAsync(1, CancellationToken.None))!.Results.Select(r => r.StudentId));
    }

    [StoreFact]
    public async Task Pages_follow_one_another_without_gaps_or_repeats()
    {
        var store = await NewStoreAsync();
        await Scores.WriteAsync(store, Enumerable.Range(0, 25).Select(i => ($"s{i:D2}", (long)i, 0.5)).ToArray());

        var seen = new List<string>();
        var after = "";
        while (true)
        {
            var page = await store.ListStudentsAsync(after, 10, CancellationToken.None);
            if (page.Count == 0)
            {
                break;
            }

            seen.AddRange(page.Select(s => s.StudentId));
            after = page[^1].StudentId;
        }

        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"s{i:D2}"), seen);
        Assert.Equal([20L, 21, 22, 23, 24], (await store.ListExamsAsync(19, 10, CancellationToken.None)).Select(e => e.Exam));
    }

    [StoreFact]
    public async Task Exam_numbers_up_to_two_to_the_53rd_are_kept_exactly()
    {
        var store = await NewStoreAsync();
        const long largest = (1L << 53) - 1;
        await Scores.WriteAsync(store, ("amy", largest, 0.5), ("amy", 0, 0.25));

        Assert.Equal([0L, largest], (await store.ListExamsAsync(-1, 10, CancellationToken.None)).Select(e => e.Exam));
        Assert.Equal(largest, (await store.GetStudentAsync("amy", CancellationToken.None))!.Results[1].Exam);
        Assert.NotNull(await store.GetExamAsync(largest, CancellationToken.None));
        Assert.Null(await store.GetExamAsync(largest - 1, CancellationToken.None));
    }

    private protected async Task<StoreHarness> NewStoreAsync() => (await NewStoreWithConnectionStringAsync()).Store;

    private protected async Task<(StoreHarness Store, string ConnectionString)> NewStoreWithConnectionStringAsync()
    {
        var connectionString = await NewDatabaseAsync();
        return (await MigratedAsync(Open(connectionString)), connectionString);
    }

    private protected async Task<StoreHarness> MigratedAsync(StoreHarness store)
    {
        _stores.Add(store);
        await store.MigrateAsync(CancellationToken.None);
        return store;
    }

    /// <summary>Every row the query returns, its columns joined by '|' (NULL as nothing), in the engine-neutral text of .NET.</summary>
    private protected static async Task<List<string>> RowsAsync(StoreHarness store, string sql)
    {
        await using var connection = await store.OpenAsync(CancellationToken.None);
        await using var command = connection.Command(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(string.Join('|', Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))));
        }

        return rows;
    }

    private static async Task<List<RawEvent>> RawEventsAsync(StoreHarness store)
    {
        await using var connection = await store.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT event_id, event_type, data, outcome, reason FROM raw_events ORDER BY batch_id, position";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<RawEvent>();
        while (await reader.ReadAsync())
        {
            rows.Add(new RawEvent(
                reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
        }

        return rows;
    }

    private sealed record RawEvent(string? EventId, string EventType, string Data, string Outcome, string? Reason);
}
