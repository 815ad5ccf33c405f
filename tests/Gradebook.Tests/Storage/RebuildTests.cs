using Gradebook.Feed;
using Gradebook.Storage;
using Gradebook.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Gradebook.Tests.Storage;

public sealed class RebuildTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private async Task<SqliteStore> StoreWithHistoryAsync()
    {
        var store = await Scores.NewSqliteStoreAsync(_directory);
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
        return store;
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

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection(_directory.SqliteConnectionString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Rebuilding_an_intact_store_changes_nothing_however_often_it_runs()
    {
        var store = await StoreWithHistoryAsync();
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

    [Fact]
    public async Task Lost_derived_data_is_derived_again_from_the_raw_record()
    {
        var store = await StoreWithHistoryAsync();
        var before = await EverythingAsync(store);
        await ExecuteAsync("DELETE FROM results; DELETE FROM students; UPDATE exams SET score_sum = 0;");

        await store.RebuildAsync(CancellationToken.None);

        var after = await EverythingAsync(store);
        Assert.Equal(before.Select(s => s.Results), after.Select(s => s.Results));
    }

    [Fact]
    public async Task An_event_that_fails_todays_rules_becomes_a_rejection_and_leaves_the_results()
    {
        var store = await Scores.NewSqliteStoreAsync(_directory);
        await store.WriteFeedBatchAsync("feed", [Scores.Event("amy", 1, 0.5, "1"), Scores.Event("amy", 2, 0.9, "2")], CancellationToken.None);
        // Stands in for a stricter rule: the stored event no longer passes validation.
        await ExecuteAsync("UPDATE raw_events SET data = '{\"studentId\":\"amy\",\"exam\":2,\"score\":1.9}' WHERE event_id = '2'");

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

    [Fact]
    public async Task The_rebuild_command_rebuilds_the_configured_database_and_reports()
    {
        await StoreWithHistoryAsync();

        using var process = GradebookProcess.Start(
            new Dictionary<string, string> { ["ConnectionStrings__Gradebook"] = _directory.SqliteConnectionString() }, "rebuild");

        Assert.Equal(0, await process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("Rebuilt from 1011 raw events: 1000 accepted, 6 rejected, 5 ignored; 0 outcomes changed;", process.Output, StringComparison.Ordinal);
    }
}
