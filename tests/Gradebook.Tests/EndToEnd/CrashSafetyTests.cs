using Gradebook.Emulator;
using Gradebook.Feed;
using Gradebook.Grading;
using Gradebook.Ingestion;
using Gradebook.Storage;
using Gradebook.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Gradebook.Tests.EndToEnd;

/// <summary>A real Gradebook process killed or stopped mid-ingestion, then restarted on the same database.</summary>
public sealed class CrashSafetyTests : IDisposable
{
    private static readonly EmulatorOptions Feed = new()
    {
        EventsPerSecond = 15_000,
        MaxEvents = 60_000,
        BufferSize = 60_000,
        Students = 400,
        Seed = 99,
    };

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private Dictionary<string, string> Environment(EmulatorServer emulator) => new()
    {
        ["ConnectionStrings__Gradebook"] = _directory.SqliteConnectionString(),
        ["Feed__Url"] = emulator.ScoresUrl.ToString(),
        ["Feed__BatchSize"] = "500",
        ["Feed__ReconnectDelay"] = "00:00:00.050",
        ["URLS"] = "http://127.0.0.1:0",
    };

    [Fact]
    public async Task Kill_9_mid_ingestion_then_restart_ends_exactly_like_an_uninterrupted_run()
    {
        await using var emulator = await EmulatorServer.StartAsync(Feed);
        var store = await Scores.NewSqliteStoreAsync(_directory);
        var source = FeedCatalog.ShorthandName;

        using (var first = GradebookProcess.Start(Environment(emulator)))
        {
            await Eventually.Until(() => store.GetFeedAsync(source, CancellationToken.None), c => c?.Received >= 10_000);
            await first.KillAsync();
        }

        var atKill = await store.GetFeedAsync(source, CancellationToken.None);
        Assert.InRange(atKill!.Received, 10_000, Feed.MaxEvents - 1);

        using var second = GradebookProcess.Start(Environment(emulator));
        var cursor = await Eventually.Until(() => store.GetFeedAsync(source, CancellationToken.None), c => c?.Received >= Feed.MaxEvents);

        Assert.Equal(new FeedCursor { LastEventId = "60000", Received = 60_000, Accepted = 60_000, Rejected = 0, Ignored = 0 }, cursor);
        Assert.Equal(60_000, await CountAsync("SELECT COUNT(*) FROM raw_events"));
        await AssertResultsAreThoseOfTheWholeFeedAsync();
    }

    [Fact]
    public async Task Sigterm_commits_what_is_in_flight_and_exits_cleanly()
    {
        await using var emulator = await EmulatorServer.StartAsync(Feed);
        var store = await Scores.NewSqliteStoreAsync(_directory);
        var source = FeedCatalog.ShorthandName;

        using (var first = GradebookProcess.Start(Environment(emulator)))
        {
            await Eventually.Until(() => store.GetFeedAsync(source, CancellationToken.None), c => c?.Received >= 5_000);
            Assert.Equal(0, await first.TerminateAsync(TimeSpan.FromSeconds(60)));
            Assert.Matches(@"Stopped ingesting feed .*; 0 events left uncommitted", first.Output);
        }

        var stopped = await store.GetFeedAsync(source, CancellationToken.None);
        Assert.Equal(long.Parse(stopped!.LastEventId!, System.Globalization.CultureInfo.InvariantCulture), stopped.Received);

        using var second = GradebookProcess.Start(Environment(emulator));
        var cursor = await Eventually.Until(() => store.GetFeedAsync(source, CancellationToken.None), c => c?.Received >= Feed.MaxEvents);
        Assert.Equal(new FeedCursor { LastEventId = "60000", Received = 60_000, Accepted = 60_000, Rejected = 0, Ignored = 0 }, cursor);
        await AssertResultsAreThoseOfTheWholeFeedAsync();
    }

    private async Task AssertResultsAreThoseOfTheWholeFeedAsync()
    {
        var expected = ScoreSequence.All(Feed)
            .GroupBy(e => (e.StudentId, e.Exam))
            .ToDictionary(g => g.Key, g => g.Max(e => e.Score));

        await using var connection = new SqliteConnection(_directory.SqliteConnectionString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT s.student_id, r.exam, r.score FROM results AS r JOIN students AS s ON s.student_no = r.student_no";
        await using var reader = await command.ExecuteReaderAsync();
        var stored = new Dictionary<(string, long), double>();
        while (await reader.ReadAsync())
        {
            stored[(reader.GetString(0), reader.GetInt64(1))] = reader.GetDouble(2);
        }

        Assert.Equal(expected.Count, stored.Count);
        Assert.All(expected, pair => Assert.Equal(pair.Value, stored[pair.Key]));
        Assert.Equal(expected.Keys.Select(k => k.StudentId).Distinct().Count(), await CountAsync("SELECT COUNT(*) FROM students WHERE exam_count > 0"));
        Assert.Equal(0, await CountAsync(
            "SELECT COUNT(*) FROM students s WHERE s.exam_count <> (SELECT COUNT(*) FROM results r WHERE r.student_no = s.student_no)"));
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = new SqliteConnection(_directory.SqliteConnectionString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
