using Gradebook.Feed;
using Gradebook.Storage;
using Gradebook.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Gradebook.Tests.Storage;

public sealed class SqliteStoreTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Highest_score_wins_when_a_result_repeats()
    {
        var store = await Scores.NewSqliteStoreAsync(_directory);
        await Scores.WriteAsync(store, ("amy", 1, 0.4), ("amy", 1, 0.9), ("amy", 1, 0.6));
        await Scores.WriteAsync(store, ("amy", 1, 0.7));

        var student = await store.GetStudentAsync("amy", CancellationToken.None);
        Assert.Equal([new StudentResult(1, 0.9)], student!.Results);
        Assert.Equal(1, student.ExamCount);
        Assert.Equal(0.9, student.Average, 12);
    }

    [Fact]
    public async Task Any_arrival_order_gives_the_same_results_and_averages()
    {
        var scores = Enumerable.Range(0, 300)
            .Select(i => ($"s{i % 17}", (long)(i % 11), ((i * 37) % 100) / 100.0))
            .ToArray();
        var forward = await Scores.NewSqliteStoreAsync(_directory);
        using var other = new TempDirectory();
        var shuffled = await Scores.NewSqliteStoreAsync(other);
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

    [Fact]
    public async Task Every_average_is_the_mean_of_the_results_it_lists()
    {
        var store = await Scores.NewSqliteStoreAsync(_directory);
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

    [Fact]
    public async Task Every_event_is_recorded_raw_with_its_outcome_and_the_feed_resumes_after_the_last()
    {
        var store = await Scores.NewSqliteStoreAsync(_directory);
        var events = new List<FeedEvent>
        {
            Scores.Event("amy", 1, 0.5, "10"),
            Scores.Raw("{broken", "11"),
            Scores.Raw("hello", "12", eventType: "heartbeat"),
            Scores.Event("bob", 1, 0.25, "13"),
        };
        await store.WriteFeedBatchAsync("http://feed.example/scores", events, CancellationToken.None);

        Assert.Equal(new FeedCursor("13", 2, 1, 1), await store.GetFeedAsync("http://feed.example/scores", CancellationToken.None));
        Assert.Null(await store.GetFeedAsync("elsewhere", CancellationToken.None));

        await using var connection = (SqliteConnection)await store.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT event_id, event_type, data, outcome, reason FROM raw_events ORDER BY id";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, string, string, string, string?)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
        }

        Assert.Equal(4, rows.Count);
        Assert.Equal(("11", "score", "{broken", "rejected"), (rows[1].Item1, rows[1].Item2, rows[1].Item3, rows[1].Item4));
        Assert.StartsWith("malformed_json: ", rows[1].Item5, StringComparison.Ordinal);
        Assert.Equal(("12", "heartbeat", "ignored", null), (rows[2].Item1, rows[2].Item2, rows[2].Item4, rows[2].Item5));
        Assert.Equal("accepted", rows[3].Item4);
    }

    [Fact]
    public async Task Feed_counts_accumulate_across_batches_and_restarts()
    {
        var store = await Scores.NewSqliteStoreAsync(_directory);
        await store.WriteFeedBatchAsync("f", [Scores.Event("a", 1, 0.1, "1"), Scores.Raw("x", "2")], CancellationToken.None);
        var reopened = await Scores.NewSqliteStoreAsync(_directory);
        await reopened.WriteFeedBatchAsync("f", [Scores.Raw("y", null, "ping") with { EventId = null }], CancellationToken.None);

        Assert.Equal(new FeedCursor("2", 1, 1, 1), await reopened.GetFeedAsync("f", CancellationToken.None));
    }

    [Fact]
    public async Task Migrations_are_recorded_and_applying_them_again_changes_nothing()
    {
        var store = await Scores.NewSqliteStoreAsync(_directory);
        await Scores.WriteAsync(store, ("amy", 1, 0.5));
        var versions = await store.AppliedMigrationsAsync(CancellationToken.None);

        await store.MigrateAsync(CancellationToken.None);
        await new SqliteStore(_directory.SqliteConnectionString()).MigrateAsync(CancellationToken.None);

        Assert.Equal(versions, await store.AppliedMigrationsAsync(CancellationToken.None));
        Assert.Equal(SqlScripts.Migrations(SqlDialect.Sqlite).Select(m => m.Version), versions);
        Assert.NotNull(await store.GetStudentAsync("amy", CancellationToken.None));
    }

    [Fact]
    public async Task Student_ids_are_case_sensitive_and_never_numeric()
    {
        var store = await Scores.NewSqliteStoreAsync(_directory);
        await Scores.WriteAsync(store, ("002299", 1, 0.1), ("2299", 1, 0.2), ("Amy", 1, 0.3), ("amy", 1, 0.4));

        var ids = (await store.ListStudentsAsync("", 10, CancellationToken.None)).Select(s => s.StudentId);
        Assert.Equal(["002299", "2299", "Amy", "amy"], ids);
    }

    [Fact]
    public async Task Pages_follow_one_another_without_gaps_or_repeats()
    {
        var store = await Scores.NewSqliteStoreAsync(_directory);
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

    [Fact]
    public async Task An_unreachable_database_fails_with_a_clear_message()
    {
        var file = Path.Combine(_directory.Path, "not-a-database.db");
        await File.WriteAllTextAsync(file, "this is not a SQLite file, it is plain text that goes on for a while............");
        var store = new SqliteStore($"Data Source={file}");

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.MigrateAsync(CancellationToken.None));
        Assert.Contains("not-a-database.db", error.Message, StringComparison.Ordinal);
    }
}
