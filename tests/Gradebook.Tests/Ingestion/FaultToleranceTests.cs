using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Gradebook.Feed;
using Gradebook.Grading;
using Gradebook.Ingestion;
using Gradebook.Storage;
using Gradebook.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Gradebook.Tests.Ingestion;

/// <summary>The host reading a feed that misbehaves: every good event around the faults must be stored, once.</summary>
public sealed class FaultToleranceTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    // A feed that is not the test's subject stays silent after its events: only the stall test may find it stalled, or
    // a busy machine's slow assertions would race a reconnection.
    private GradebookFactory Gradebook(Uri feed, string? retryBudget = null, string readTimeout = "00:01:00") => new(new Dictionary<string, string?>
    {
        ["ConnectionStrings:Gradebook"] = _directory.SqliteConnectionString(),
        ["Feed:Url"] = feed.ToString(),
        ["Feed:ReconnectDelay"] = "00:00:00.020",
        ["Feed:MaxReconnectDelay"] = "00:00:00.200",
        ["Feed:ReadTimeout"] = readTimeout,
        ["Feed:MaxEventBytes"] = "4096",
        ["Feed:RetryBudget"] = retryBudget ?? "00:01:00",
    });

    /// <summary>Waits until the feed's counts satisfy <paramref name="done"/>, then checks every stored result against events 1..last.</summary>
    private static async Task<FeedCursor> AssertStoredAsync(GradebookFactory gradebook, Uri feed, int last, Func<FeedCursor, bool>? done = null)
    {
        var store = StoreHarness.Of(gradebook.Services);
        var cursor = await Eventually.Until(
            () => store.GetFeedAsync(FeedCatalog.ShorthandName, CancellationToken.None),
            c => c is not null && (done ?? (c => c.Accepted >= last))(c));

        var expected = GoodFeed.Expected(last);
        var stored = new Dictionary<(string, long), double>();
        foreach (var exam in expected.Keys.Select(k => k.Exam).Distinct())
        {
            var details = await store.GetExamAsync(exam, CancellationToken.None);
            foreach (var result in details!.Results)
            {
                stored[(result.StudentId, exam)] = result.Score;
            }
        }

        Assert.Equal(expected.OrderBy(p => p.Key), stored.OrderBy(p => p.Key));
        // Received is counted per batch, apart from the outcomes; the raw record is counted here, by row.
        Assert.Equal(cursor!.Received, cursor.Accepted + cursor.Rejected + cursor.Ignored);
        Assert.Equal(cursor.Received, await store.RawEventCountAsync(FeedCatalog.ShorthandName));
        return cursor;
    }

    [Fact]
    public async Task Comes_back_after_connections_are_refused()
    {
        var port = Ports.Free();
        var url = new Uri($"http://127.0.0.1:{port}/scores");
        await using var gradebook = Gradebook(url);
        using var client = gradebook.CreateClient();
        var status = gradebook.Services.GetRequiredService<FeedCatalog>().Feeds.Single().Status;
        await Eventually.Until(() => Task.FromResult(status.Reconnects), r => r >= 3);
        Assert.NotNull(status.LastError);

        await using var feed = await ScriptedFeed.StartAsync((_, context) => GoodFeed.ServeAsync(context, 20), port);

        Assert.Equal(20, (await AssertStoredAsync(gradebook, url, 20)).Accepted);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    [InlineData(404)]
    public async Task Comes_back_after_error_statuses(int status)
    {
        await using var feed = await ScriptedFeed.StartAsync((n, context) =>
        {
            if (n < 2)
            {
                context.Response.StatusCode = status;
                return Task.CompletedTask;
            }

            return GoodFeed.ServeAsync(context, 20);
        });
        await using var gradebook = Gradebook(feed.Url);
        using var client = gradebook.CreateClient();

        var cursor = await AssertStoredAsync(gradebook, feed.Url, 20);

        Assert.Equal(20, cursor.Received);
        Assert.Equal(3, feed.Connections);
    }

    [Fact]
    public async Task Asks_again_after_no_content()
    {
        await using var feed = await ScriptedFeed.StartAsync((n, context) =>
        {
            if (n == 0)
            {
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                return Task.CompletedTask;
            }

            return GoodFeed.ServeAsync(context, 20);
        });
        await using var gradebook = Gradebook(feed.Url);
        using var client = gradebook.CreateClient();

        Assert.Equal(20, (await AssertStoredAsync(gradebook, feed.Url, 20)).Received);
    }

    [Fact]
    public async Task Refuses_a_response_that_is_not_an_event_stream_and_tries_again()
    {
        await using var feed = await ScriptedFeed.StartAsync(async (n, context) =>
        {
            if (n == 0)
            {
                context.Response.ContentType = "text/html";
                await context.Response.WriteAsync("id: 99\nevent: score\ndata: {\"studentId\":\"x\",\"exam\":1,\"score\":1}\n\n");
                return;
            }

            await GoodFeed.ServeAsync(context, 20);
        });
        await using var gradebook = Gradebook(feed.Url);
        using var client = gradebook.CreateClient();

        var cursor = await AssertStoredAsync(gradebook, feed.Url, 20);
        Assert.Equal(20, cursor.Received);
        Assert.Null(await StoreHarness.Of(gradebook.Services).GetStudentAsync("x", CancellationToken.None));
    }

    [Fact]
    public async Task A_disconnect_mid_event_resumes_after_the_last_committed_event_without_duplicates()
    {
        await using var feed = await ScriptedFeed.StartAsync(async (n, context) =>
        {
            if (n == 0)
            {
                await ScriptedFeed.BeginStreamAsync(context);
                var text = string.Concat(Enumerable.Range(1, 5).Select(GoodFeed.Event)) + GoodFeed.Event(6)[..30];
                await ScriptedFeed.WriteAsync(context, text);
                return;
            }

            await GoodFeed.ServeAsync(context, 20);
        });
        await using var gradebook = Gradebook(feed.Url);
        using var client = gradebook.CreateClient();

        var cursor = await AssertStoredAsync(gradebook, feed.Url, 20);

        Assert.Equal(new FeedCursor { LastEventId = "20", Received = 20, Accepted = 20, Rejected = 0, Ignored = 0 }, cursor);
        Assert.Equal([null, "5"], feed.LastEventIds.Take(2));
    }

    [Fact]
    public async Task A_stalled_connection_is_detected_and_replaced()
    {
        await using var feed = await ScriptedFeed.StartAsync(async (n, context) =>
        {
            if (n == 0)
            {
                await ScriptedFeed.BeginStreamAsync(context);
                await ScriptedFeed.WriteAsync(context, GoodFeed.Event(1) + GoodFeed.Event(2) + GoodFeed.Event(3));
                await ScriptedFeed.StallAsync(context);
                return;
            }

            await GoodFeed.ServeAsync(context, 20);
        });
        await using var gradebook = Gradebook(feed.Url, readTimeout: "00:00:02");
        using var client = gradebook.CreateClient();

        Assert.Equal(new FeedCursor { LastEventId = "20", Received = 20, Accepted = 20, Rejected = 0, Ignored = 0 }, await AssertStoredAsync(gradebook, feed.Url, 20));
        Assert.Equal([null, "3"], feed.LastEventIds.Take(2));
    }

    [Fact]
    public async Task Events_dripped_one_byte_at_a_time_are_all_stored()
    {
        await using var feed = await ScriptedFeed.StartAsync(async (_, context) =>
        {
            await ScriptedFeed.BeginStreamAsync(context);
            await ScriptedFeed.WriteAsync(context, string.Concat(Enumerable.Range(1, 8).Select(GoodFeed.Event)), chunk: 1);
            await ScriptedFeed.StallAsync(context);
        });
        await using var gradebook = Gradebook(feed.Url, "00:01:00");
        using var client = gradebook.CreateClient();

        Assert.Equal(new FeedCursor { LastEventId = "8", Received = 8, Accepted = 8, Rejected = 0, Ignored = 0 }, await AssertStoredAsync(gradebook, feed.Url, 8));
        Assert.Equal(1, feed.Connections);
    }

    [Fact]
    public async Task An_oversized_event_and_invalid_utf8_are_rejected_and_the_good_events_around_them_stored()
    {
        var bad = new List<byte>();
        bad.AddRange(Encoding.UTF8.GetBytes("id: 3\nevent: score\ndata: {\"studentId\":\"" + new string('x', 2_000_000) + "\",\"exam\":1,\"score\":1}\n\n"));
        bad.AddRange(Encoding.UTF8.GetBytes("id: 4\nevent: score\ndata: {\"studentId\":\"bad"));
        bad.AddRange([0xC3, 0x28, 0xFF]);
        bad.AddRange(Encoding.UTF8.GetBytes("\",\"exam\":1,\"score\":1}\n\n"));
        await using var feed = await ScriptedFeed.StartAsync(async (_, context) =>
        {
            await ScriptedFeed.BeginStreamAsync(context);
            await ScriptedFeed.WriteAsync(context, GoodFeed.Event(1) + GoodFeed.Event(2));
            await ScriptedFeed.WriteAsync(context, [.. bad], chunk: 64 * 1024);
            await ScriptedFeed.WriteAsync(context, string.Concat(Enumerable.Range(5, 16).Select(GoodFeed.Event)));
            await ScriptedFeed.StallAsync(context);
        });
        await using var gradebook = Gradebook(feed.Url);
        using var client = gradebook.CreateClient();

        // Events 3 and 4 are bad, so the good ones are 1, 2 and 5..20: their results are those of 1..20 less 3 and 4.
        var store = StoreHarness.Of(gradebook.Services);
        var cursor = await Eventually.Until(() => store.GetFeedAsync(FeedCatalog.ShorthandName, CancellationToken.None), c => c?.Received == 20);
        Assert.Equal(new FeedCursor { LastEventId = "20", Received = 20, Accepted = 18, Rejected = 2, Ignored = 0 }, cursor);

        var rejections = await client.GetFromJsonAsync<JsonElement>("/ingestion/rejections");
        var items = rejections.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["3", "4"], items.Select(i => i.GetProperty("eventId").GetString()));
        Assert.StartsWith("oversized_event: ", items[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.InRange(items[0].GetProperty("data").GetString()!.Length, 1, 4200);
        Assert.StartsWith("invalid_utf8: ", items[1].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains("bad", items[1].GetProperty("data").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_flood_of_garbage_stops_nothing()
    {
        var garbage = new byte[1_000_000];
        new Random(5).NextBytes(garbage);
        await using var feed = await ScriptedFeed.StartAsync(async (_, context) =>
        {
            await ScriptedFeed.BeginStreamAsync(context);
            await ScriptedFeed.WriteAsync(context, garbage, chunk: 8192);
            await ScriptedFeed.WriteAsync(context, "\n\n\n" + string.Concat(Enumerable.Range(1, 20).Select(GoodFeed.Event)));
            await ScriptedFeed.StallAsync(context);
        });
        await using var gradebook = Gradebook(feed.Url);
        using var client = gradebook.CreateClient();

        var cursor = await AssertStoredAsync(gradebook, feed.Url, 20, c => c.LastEventId == "20");
        Assert.Equal(20, cursor.Accepted);
    }

    [Fact]
    public async Task Ingestion_readiness_and_metrics_tell_the_truth_during_and_after_an_outage()
    {
        var healthy = false;
        await using var feed = await ScriptedFeed.StartAsync((n, context) =>
        {
            if (!Volatile.Read(ref healthy))
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return Task.CompletedTask;
            }

            return GoodFeed.ServeAsync(context, 20);
        });
        await using var gradebook = Gradebook(feed.Url, retryBudget: "00:00:00.300");
        using var client = gradebook.CreateClient();

        var down = await Eventually.Until(() => client.GetAsync("/readyz"), r => r.StatusCode == HttpStatusCode.ServiceUnavailable);
        var downReport = await down.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Unhealthy", downReport.GetProperty("checks").GetProperty("feed").GetProperty("status").GetString());
        Assert.Equal("Healthy", downReport.GetProperty("checks").GetProperty("store").GetProperty("status").GetString());
        var during = (await client.GetFromJsonAsync<JsonElement>("/ingestion")).GetProperty("feeds")[0];
        Assert.NotEqual("connected", during.GetProperty("state").GetString());
        Assert.Contains("503", during.GetProperty("lastError").GetString(), StringComparison.Ordinal);

        Volatile.Write(ref healthy, true);
        await AssertStoredAsync(gradebook, feed.Url, 20);

        // The writer counts a batch as committed a moment after the database has it.
        var after = await Eventually.Until(
            async () => (await client.GetFromJsonAsync<JsonElement>("/ingestion")).GetProperty("feeds")[0],
            f => f.GetProperty("pendingEvents").GetInt64() == 0);
        Assert.Equal("connected", after.GetProperty("state").GetString());
        Assert.Equal("20", after.GetProperty("lastCommittedEventId").GetString());
        Assert.Equal(20, after.GetProperty("received").GetInt64());
        Assert.Equal(20, after.GetProperty("accepted").GetInt64());
        Assert.Equal(0, after.GetProperty("pendingEvents").GetInt64());
        Assert.True(after.GetProperty("reconnects").GetInt64() >= 1);
        using var ready = await client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

        var metrics = await client.GetStringAsync("/metrics");
        Assert.Matches("gradebook_feed_events\\{feed=\"default\",outcome=\"accepted\"\\} 20\n", metrics);
        Assert.Contains("gradebook_feed_connected{feed=\"default\"} 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("# TYPE gradebook_feed_commit_duration histogram", metrics, StringComparison.Ordinal);
        Assert.Matches(@"gradebook_feed_reconnects\{feed=""default""\} [1-9]\d*\n", metrics);
    }

}
