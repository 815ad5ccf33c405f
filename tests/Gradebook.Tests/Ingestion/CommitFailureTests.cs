using System.Net;
using System.Text.Json;
using Gradebook.Ingestion;
using Gradebook.Storage;
using Gradebook.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Gradebook.Tests.Ingestion;

/// <summary>
/// Faults injected into a real SQLite store while a feed is ingested: a transient one (the database locked by another
/// connection) is retried and recovers; one that is not (a trigger that refuses every batch) fails the feed at once.
/// Either way the feed is shown failing in <c>/ingestion</c>, <c>/readyz</c> and the metrics, and nothing is lost.
/// </summary>
public sealed class CommitFailureTests : IDisposable
{
    private const int Events = 20;
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    // The host's own settings: a feed's commit waits SqliteEngine.FeedLockWaitSeconds for a locked database.
    private string ConnectionString => _directory.SqliteConnectionString();

    private WebApplicationFactory<Program> Gradebook(Uri feed, string drainTimeout = "00:00:10") => new GradebookFactory(new Dictionary<string, string?>
    {
        ["ConnectionStrings:Gradebook"] = ConnectionString,
        ["Feed:Url"] = feed.ToString(),
        ["Feed:ReconnectDelay"] = "00:00:00.020",
        ["Feed:MaxReconnectDelay"] = "00:00:00.200",
        ["Feed:FailingAfter"] = "2",
        ["Feed:DrainTimeout"] = drainTimeout,
    }).WithWebHostBuilder(builder => builder.ConfigureServices(services => services.AddFakeLogging()));

    [Fact]
    public async Task A_transient_fault_is_retried_the_feed_fails_loudly_and_recovers_with_exact_results()
    {
        var port = Ports.Free();
        var url = new Uri($"http://127.0.0.1:{port}/scores");
        await using var gradebook = Gradebook(url);
        using var client = gradebook.CreateClient();
        var status = await IngestingAsync(gradebook);
        await using (var locked = await LockAsync())
        {
            await using var feed = await ScriptedFeed.StartAsync((_, context) => GoodFeed.ServeAsync(context, Events), port);
            // The error line is written after the status and the metrics change: once it is there, they have.
            await Eventually.Until(() => Task.FromResult(ErrorsOf(gradebook)), errors => errors.Count > 0);

            var metrics = await AssertFailingAsync(client, "database is locked");
            Assert.Matches("gradebook_feed_commit_failures(_total)?\\{feed=\"default\",kind=\"transient\"\\} [1-9]", metrics);
        }

        var cursor = await Eventually.Until(() => StoreHarness.Of(gradebook.Services).GetFeedAsync("default", CancellationToken.None), c => c?.Accepted == Events);
        await AssertExactAsync(gradebook, cursor!);
        // The writer counts a batch as committed, and the feed as recovered, a moment after the database has it.
        await Eventually.Until(() => Task.FromResult(status.Failing), failing => !failing);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode);
        Assert.Contains("gradebook_feed_failing{feed=\"default\"} 0\n", await client.GetStringAsync(new Uri("/metrics", UriKind.Relative)), StringComparison.Ordinal);

        var errors = ErrorsOf(gradebook);
        Assert.Single(errors, e => e.Message.Contains("is failing", StringComparison.Ordinal));
        Assert.Contains(gradebook.Services.GetFakeLogCollector().GetSnapshot(), e => e.Message.Contains("default recovered", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_fault_that_is_not_transient_fails_the_feed_at_once_and_nothing_is_lost_after_a_fix_and_a_restart()
    {
        await using (var store = new StoreHarness(new SqliteEngine(ConnectionString)))
        {
            await store.MigrateAsync(CancellationToken.None);
        }

        await ExecuteAsync("CREATE TRIGGER refuse BEFORE INSERT ON raw_batches BEGIN SELECT RAISE(ABORT, 'refused by an injected fault'); END");
        await using var feed = await ScriptedFeed.StartAsync((_, context) => GoodFeed.ServeAsync(context, Events));

        await using (var gradebook = Gradebook(feed.Url))
        {
            using var client = gradebook.CreateClient();
            var status = FeedStatusOf(gradebook);
            await Eventually.Until(() => Task.FromResult(ErrorsOf(gradebook)), errors => errors.Count > 0);

            var metrics = await AssertFailingAsync(client, "refused by an injected fault");
            Assert.Matches("gradebook_feed_commit_failures(_total)?\\{feed=\"default\",kind=\"permanent\"\\} 1\n", metrics);

            // Not retried: one attempt, one error line, and nothing committed.
            Assert.Equal(1, status.Snapshot(DateTimeOffset.UtcNow).FailedCommits);
            Assert.Single(ErrorsOf(gradebook));
            Assert.Equal(0, (await StoreHarness.Of(gradebook.Services).GetFeedAsync("default", CancellationToken.None))?.Received ?? 0);
        }

        await ExecuteAsync("DROP TRIGGER refuse");
        await using (var gradebook = Gradebook(feed.Url))
        {
            using var client = gradebook.CreateClient();
            var cursor = await Eventually.Until(() => StoreHarness.Of(gradebook.Services).GetFeedAsync("default", CancellationToken.None), c => c?.Accepted == Events);
            await AssertExactAsync(gradebook, cursor!);
        }
    }

    [Fact]
    public async Task Stopping_waits_for_a_commit_that_cannot_finish_no_longer_than_the_drain_and_the_next_start_resumes_exactly()
    {
        var port = Ports.Free();
        var url = new Uri($"http://127.0.0.1:{port}/scores");
        var gradebook = Gradebook(url, drainTimeout: "00:00:01");
        using (gradebook.CreateClient())
        {
            var status = await IngestingAsync(gradebook);
            await using var locked = await LockAsync();
            await using var feed = await ScriptedFeed.StartAsync((_, context) => GoodFeed.ServeAsync(context, Events), port);
            await Eventually.Until(() => Task.FromResult(status.Snapshot(DateTimeOffset.UtcNow)), s => s.Pending == Events && s.FailedCommits > 0);

            // The database stays locked: without a bound, the drain would wait for it forever.
            var logs = gradebook.Services.GetFakeLogCollector();
            await gradebook.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromMinutes(1));
            Assert.Contains(logs.GetSnapshot(), e => e.Message.Contains("left uncommitted are read again", StringComparison.Ordinal));
        }

        await using var again = await ScriptedFeed.StartAsync((_, context) => GoodFeed.ServeAsync(context, Events), port);
        await using (var restarted = Gradebook(url))
        {
            using var client = restarted.CreateClient();
            var cursor = await Eventually.Until(() => StoreHarness.Of(restarted.Services).GetFeedAsync("default", CancellationToken.None), c => c?.Accepted == Events);
            await AssertExactAsync(restarted, cursor!);
        }
    }

    private static FeedStatus FeedStatusOf(WebApplicationFactory<Program> gradebook) =>
        gradebook.Services.GetRequiredService<FeedCatalog>().Feeds.Single().Status;

    /// <summary>Waits for this instance to take the feed (it tries to connect): the database may be locked from then on.</summary>
    private static async Task<FeedStatus> IngestingAsync(WebApplicationFactory<Program> gradebook)
    {
        var status = FeedStatusOf(gradebook);
        await Eventually.Until(() => Task.FromResult(status.Reconnects), reconnects => reconnects > 0);
        return status;
    }

    private static List<FakeLogRecord> ErrorsOf(WebApplicationFactory<Program> gradebook) =>
        [.. gradebook.Services.GetFakeLogCollector().GetSnapshot().Where(e => e.Level >= LogLevel.Error && e.Category == typeof(FeedIngestion).FullName)];

    /// <summary>The feed is failing wherever an operator looks: <c>/ingestion</c>, <c>/readyz</c> and <c>/metrics</c>; returns the metrics.</summary>
    private static async Task<string> AssertFailingAsync(HttpClient client, string error)
    {
        using var report = JsonDocument.Parse(await client.GetStringAsync(new Uri("/ingestion", UriKind.Relative)));
        var feed = report.RootElement.GetProperty("feeds")[0];
        Assert.Equal("failing", feed.GetProperty("state").GetString());
        Assert.Contains(error, feed.GetProperty("lastError").GetString(), StringComparison.Ordinal);

        var ready = await client.GetAsync(new Uri("/readyz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("default: failing", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var metrics = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains("gradebook_feed_failing{feed=\"default\"} 1\n", metrics, StringComparison.Ordinal);
        return metrics;
    }

    /// <summary>Every event once: the results are the highest of events 1..20, and the raw record holds each event once.</summary>
    private static async Task AssertExactAsync(WebApplicationFactory<Program> gradebook, FeedCursor cursor)
    {
        var store = StoreHarness.Of(gradebook.Services);
        Assert.Equal(new FeedCursor { LastEventId = $"{Events}", Received = Events, Accepted = Events, Rejected = 0, Ignored = 0 }, cursor);
        Assert.Equal(Events, await store.RawEventCountAsync("default"));
        var stored = new Dictionary<(string, long), double>();
        foreach (var exam in GoodFeed.Expected(Events).Keys.Select(k => k.Exam).Distinct())
        {
            foreach (var result in (await store.GetExamAsync(exam, CancellationToken.None))!.Results)
            {
                stored[(result.StudentId, exam)] = result.Score;
            }
        }

        Assert.Equal(GoodFeed.Expected(Events).OrderBy(p => p.Key), stored.OrderBy(p => p.Key));
    }

    /// <summary>Holds SQLite's write lock from another connection until disposed, as a long write or a backup would.</summary>
    private async Task<SqliteConnection> LockAsync()
    {
        // Outside the pool, so that disposing it closes it, and the lock ends with it.
        var connection = new SqliteConnection($"{ConnectionString};Pooling=False");
        await connection.OpenAsync();
        await using var begin = connection.CreateCommand();
        begin.CommandText = "BEGIN EXCLUSIVE";
        await begin.ExecuteNonQueryAsync();
        return connection;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
